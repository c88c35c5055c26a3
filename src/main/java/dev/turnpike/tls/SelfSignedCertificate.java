package dev.turnpike.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

/**
 * A development certificate for when TLS is on and no certificate is configured: an EC P-256 key
 * and a self-signed certificate for the configured host names, localhost, 127.0.0.1 and ::1. Both
 * are kept as PEM files readable by the owner only, and used again after a restart while they
 * still cover those names and have a tenth of their validity left.
 */
public final class SelfSignedCertificate {

    private static final Logger log = LoggerFactory.getLogger(SelfSignedCertificate.class);

    public static final String CERTIFICATE_FILE = "self-signed.crt";
    public static final String KEY_FILE = "self-signed.key";

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private SelfSignedCertificate() {
    }

    /** Finds the certificate made before, or makes one, and returns it as an SSL bundle. */
    public static SslBundle obtain(TlsSettings.SelfSigned settings) {
        Path directory = settings.directory().toAbsolutePath();
        Path certificate = directory.resolve(CERTIFICATE_FILE);
        Path key = directory.resolve(KEY_FILE);
        Set<String> names = names(settings.hostNames());
        try {
            createOwnerOnlyDirectory(directory);
            String reason = reasonToMake(certificate, key, names, settings.validity());
            if (reason != null) {
                write(certificate, key, names, settings.validity());
            }
            log.warn("TLS: no certificate configured (turnpike.tls.bundle), so HTTPS presents a self-signed certificate for {}"
                            + " ({} {}). Clients will not trust it: this is for development only.",
                    names, reason != null ? "made now, " + reason + ", in" : "made before, from", directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the self-signed certificate in " + directory + ": " + e.getMessage(), e);
        }
        return SslBundle.of(new PemSslStoreBundle(
                PemSslStoreDetails.forCertificate(certificate.toUri().toString()).withPrivateKey(key.toUri().toString()), null));
    }

    /** @return why a new certificate is needed, or null when the stored one will do */
    private static String reasonToMake(Path certificate, Path key, Set<String> names, Duration validity) throws IOException {
        if (!Files.isRegularFile(certificate) || !Files.isRegularFile(key)) {
            return "none was stored";
        }
        X509Certificate stored;
        try (InputStream in = Files.newInputStream(certificate)) {
            stored = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (GeneralSecurityException e) {
            return "the stored one could not be read";
        }
        if (stored.getNotAfter().toInstant().isBefore(Instant.now().plus(validity.dividedBy(10)))) {
            return "the stored one was about to expire";
        }
        if (!subjectNames(stored).containsAll(names)) {
            return "the host names changed";
        }
        return null;
    }

    private static Set<String> subjectNames(X509Certificate certificate) {
        Set<String> names = new LinkedHashSet<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    names.add(String.valueOf(alternative.get(1)));
                }
            }
        } catch (GeneralSecurityException e) {
            return Set.of();
        }
        return names;
    }

    private static Set<String> names(List<String> hostNames) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : hostNames) {
            names.add(isAddress(name) ? literal(name) : name.toLowerCase(Locale.ROOT));
        }
        names.add("localhost");
        names.add("127.0.0.1");
        names.add("0:0:0:0:0:0:0:1");
        return names;
    }

    private static void write(Path certificate, Path key, Set<String> names, Duration validity) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=" + names.iterator().next() + ",O=Turnpike development certificate");
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(validity)), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames(names));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate made = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            writeOwnerOnly(key, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
            writeOwnerOnly(certificate, pem(made));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static GeneralNames alternativeNames(Set<String> names) {
        List<GeneralName> alternatives = new ArrayList<>();
        for (String name : names) {
            alternatives.add(new GeneralName(isAddress(name) ? GeneralName.iPAddress : GeneralName.dNSName, name));
        }
        return new GeneralNames(alternatives.toArray(GeneralName[]::new));
    }

    private static boolean isAddress(String name) {
        return name.contains(":") || name.matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
    }

    /** An IP address in the form the JDK reports it in a certificate. */
    private static String literal(String address) {
        try {
            return InetAddress.getByName(address).getHostAddress();
        } catch (IOException e) {
            throw new IllegalArgumentException("not an IP address: " + address, e);
        }
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    private static void createOwnerOnlyDirectory(Path directory) throws IOException {
        if (!POSIX) {
            Files.createDirectories(directory);
            return;
        }
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
        }
        Files.setPosixFilePermissions(directory, OWNER_DIRECTORY);
    }

    /** Written to a file that is owner-only from its creation, then moved into place. */
    private static void writeOwnerOnly(Path target, String content) throws IOException {
        Path temporary = POSIX
                ? Files.createTempFile(target.getParent(), ".tmp-", null, PosixFilePermissions.asFileAttribute(OWNER_FILE))
                : Files.createTempFile(target.getParent(), ".tmp-", null);
        try {
            Files.writeString(temporary, content, StandardCharsets.US_ASCII);
            try {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
