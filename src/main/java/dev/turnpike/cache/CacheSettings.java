package dev.turnpike.cache;

import java.time.Duration;
import org.springframework.util.unit.DataSize;

/**
 * {@code turnpike.cache}: the response cache's limits.
 *
 * @param maxSize total bytes the cache may hold; least valuable entries go first beyond it
 * @param maxEntrySize a response larger than this streams through without being stored
 * @param coalesceTimeout how long concurrent misses wait for the one backend request before going themselves
 * @param storeSetCookie store responses that carry Set-Cookie (off: they would hand one user's cookie to others)
 */
public record CacheSettings(DataSize maxSize, DataSize maxEntrySize, Duration coalesceTimeout, boolean storeSetCookie) {
}
