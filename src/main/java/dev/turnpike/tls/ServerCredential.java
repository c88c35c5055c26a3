package dev.turnpike.tls;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;

/**
 * The private key and certificate chain a TLS server presents, taken out of an SSL bundle's key
 * store. Handing Netty the key itself (not a KeyManagerFactory) lets OpenSSL load it once instead of
 * per handshake.
 */
public record ServerCredential(PrivateKey key, X509Certificate[] chain) {

    public static ServerCredential from(String bundleName, SslBundle bundle) {
        KeyStore store = bundle.getStores().getKeyStore();
        if (store == null) {
            throw new IllegalArgumentException("SSL bundle '" + bundleName + "' has no key store: a server needs a certificate and its private key");
        }
        SslBundleKey bundleKey = bundle.getKey();
        try {
            String alias = bundleKey.getAlias() != null ? bundleKey.getAlias() : firstKeyAlias(store, bundleName);
            Key key = store.getKey(alias, password(bundleKey, bundle));
            if (!(key instanceof PrivateKey privateKey)) {
                throw new IllegalArgumentException("SSL bundle '" + bundleName + "' has no private key under alias '" + alias + "'");
            }
            Certificate[] certificates = store.getCertificateChain(alias);
            if (certificates == null || certificates.length == 0) {
                throw new IllegalArgumentException("SSL bundle '" + bundleName + "' has no certificate for its private key");
            }
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : certificates) {
                chain.add((X509Certificate) certificate);
            }
            ServerCredential credential = new ServerCredential(privateKey, chain.toArray(X509Certificate[]::new));
            if (!credential.keyMatchesCertificate()) {
                throw new IllegalArgumentException("SSL bundle '" + bundleName + "': the private key does not belong to the certificate "
                        + credential.leaf().getSubjectX500Principal());
            }
            return credential;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("SSL bundle '" + bundleName + "': cannot read its private key: " + e.getMessage(), e);
        }
    }

    private static String firstKeyAlias(KeyStore store, String bundleName) throws GeneralSecurityException {
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                return alias;
            }
        }
        throw new IllegalArgumentException("SSL bundle '" + bundleName + "' holds no private key");
    }

    private static char[] password(SslBundleKey key, SslBundle bundle) {
        if (key.getPassword() != null) {
            return key.getPassword().toCharArray();
        }
        String storePassword = bundle.getStores().getKeyStorePassword();
        return storePassword != null ? storePassword.toCharArray() : new char[0];
    }

    /** Signs a nonce with the key and checks it with the certificate (EC and RSA keys; others are taken on trust). */
    boolean keyMatchesCertificate() throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> null;
        };
        if (algorithm == null) {
            return true;
        }
        byte[] nonce = new byte[32];
        new SecureRandom().nextBytes(nonce);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(nonce);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(leaf().getPublicKey());
        verifier.update(nonce);
        return verifier.verify(signature);
    }

    /** The certificate itself, first in the chain. */
    public X509Certificate leaf() {
        return chain[0];
    }

    @Override
    public String toString() {
        return "ServerCredential[" + leaf().getSubjectX500Principal() + ", chain " + chain.length + "]";
    }
}
