package dev.turnpike.upstream;

public enum HealthCheckType {
    NONE, TCP, HTTP
}
