package dev.turnpike.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One counter name with a few low-cardinality tags (route, reason, result), each combination
 * registered once, on first use, and looked up afterwards.
 */
public final class TaggedCounters {

    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final String[] tagNames;
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

    public TaggedCounters(MeterRegistry registry, String name, String description, String... tagNames) {
        this.registry = registry;
        this.name = name;
        this.description = description;
        this.tagNames = tagNames.clone();
    }

    /** Counts one event with these tag values, given in the order of the tag names. */
    public void increment(String... tagValues) {
        if (tagValues.length != tagNames.length) {
            throw new IllegalArgumentException(name + " takes tags " + Arrays.toString(tagNames));
        }
        counters.computeIfAbsent(List.of(tagValues), this::register).increment();
    }

    private Counter register(List<String> values) {
        Counter.Builder counter = Counter.builder(name).description(description);
        for (int i = 0; i < tagNames.length; i++) {
            counter.tag(tagNames[i], values.get(i));
        }
        return counter.register(registry);
    }
}
