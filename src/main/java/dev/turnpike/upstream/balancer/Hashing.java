package dev.turnpike.upstream.balancer;

import java.nio.charset.StandardCharsets;

final class Hashing {

    private Hashing() {
    }

    /** FNV-1a over the UTF-8 bytes, finished with MurmurHash3's 64-bit mixer for a good spread. */
    static long hash64(String value) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        hash *= 0xc4ceb9fe1a85ec53L;
        hash ^= hash >>> 33;
        return hash;
    }
}
