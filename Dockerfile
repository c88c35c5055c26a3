# Turnpike's container image: built with Maven on a JDK, run on a JRE as a non-root user.
#   docker build -t turnpike .
#   docker run -p 8080:8080 -p 8081:8081 -p 9000:9000 -v "$PWD/application.yml:/config/application.yml:ro" turnpike

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q package -DskipTests \
 && java -Djarmode=tools -jar target/turnpike.jar extract --layers --destination /layers

FROM eclipse-temurin:21-jre
RUN groupadd --system --gid 10001 turnpike \
 && useradd --system --uid 10001 --gid turnpike --home-dir /app --shell /usr/sbin/nologin turnpike \
 && mkdir -p /app /config /data \
 && chown turnpike:turnpike /data
WORKDIR /app
# least changing first, so that a new build of the application reuses the cached dependency layers
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# class data sharing: a training start builds the application context and exits before any port opens,
# archiving the classes it loaded; every start then maps them instead of loading them again
RUN java -XX:ArchiveClassesAtExit=turnpike.jsa -Dspring.context.exit=onRefresh -jar turnpike.jar
USER 10001:10001
# /config/application.yml is the operator's file (a mounted ConfigMap directory; edits apply live);
# /data holds what the gateway writes (a self-signed development certificate)
ENV SPRING_CONFIG_ADDITIONAL_LOCATION=optional:file:/config/ \
    TURNPIKE_TLS_SELFSIGNED_DIRECTORY=/data/tls \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
VOLUME ["/data"]
# traffic, HTTPS, management (Actuator), and the demo L4 listener
EXPOSE 8080 8443 8081 9000
ENTRYPOINT ["java", "-XX:SharedArchiveFile=turnpike.jsa", "-jar", "turnpike.jar"]
