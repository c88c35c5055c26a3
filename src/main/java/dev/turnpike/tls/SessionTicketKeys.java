package dev.turnpike.tls;

import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

/**
 * Keys for TLS session tickets, so that a returning client resumes its session instead of a full
 * handshake (what nginx and HAProxy do by default). Random, in memory only, and replaced every
 * rotation period; the previous key still opens tickets issued before, so no client sees a
 * resumption fail at the moment of rotation. Each instance has its own keys: a client that moves to
 * another replica makes one full handshake there. The JDK engine manages its own tickets.
 */
final class SessionTicketKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Duration rotation;
    private OpenSslSessionTicketKey current = newKey();
    private OpenSslSessionTicketKey previous;
    private Instant rotatedAt = Instant.now();

    SessionTicketKeys(Duration rotation) {
        this.rotation = rotation;
    }

    /** Gives the context the keys in use, rotating them first when they are due. */
    synchronized void applyTo(SslContext context) {
        if (!(context.sessionContext() instanceof OpenSslSessionContext sessions)) {
            return;
        }
        if (Instant.now().isAfter(rotatedAt.plus(rotation))) {
            previous = current;
            current = newKey();
            rotatedAt = Instant.now();
        }
        if (previous == null) {
            sessions.setTicketKeys(current);
        } else {
            sessions.setTicketKeys(current, previous);
        }
    }

    private static OpenSslSessionTicketKey newKey() {
        return new OpenSslSessionTicketKey(random(OpenSslSessionTicketKey.NAME_SIZE),
                random(OpenSslSessionTicketKey.HMAC_KEY_SIZE), random(OpenSslSessionTicketKey.AES_KEY_SIZE));
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
