package dev.turnpike.l4;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A listener's counters, kept whether or not a meter registry is present, and published to one as
 * {@code turnpike.l4.connections.active}, {@code turnpike.l4.connections}, {@code turnpike.l4.bytes} and
 * {@code turnpike.l4.sni}.
 */
public final class ListenerStats {

    private final String listener;
    private final MeterRegistry registry;
    final AtomicInteger active = new AtomicInteger();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    private final Map<ResultKey, LongAdder> results = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> sni = new ConcurrentHashMap<>();

    ListenerStats(String listener, MeterRegistry registry) {
        this.listener = listener;
        this.registry = registry;
        if (registry != null) {
            Gauge.builder("turnpike.l4.connections.active", active, AtomicInteger::get)
                    .description("Client connections a listener holds open").tag("listener", listener).register(registry);
            FunctionCounter.builder("turnpike.l4.bytes", bytesIn, LongAdder::sum).description("Bytes relayed")
                    .baseUnit("bytes").tags("listener", listener, "direction", "in").register(registry);
            FunctionCounter.builder("turnpike.l4.bytes", bytesOut, LongAdder::sum).description("Bytes relayed")
                    .baseUnit("bytes").tags("listener", listener, "direction", "out").register(registry);
        }
    }

    void result(String upstream, ConnectionResult result) {
        String tag = upstream == null ? "none" : upstream;
        results.computeIfAbsent(new ResultKey(tag, result), ignored -> {
            LongAdder adder = new LongAdder();
            if (registry != null) {
                FunctionCounter.builder("turnpike.l4.connections", adder, LongAdder::sum)
                        .description("Client connections by what became of them")
                        .tags("listener", listener, "upstream", tag, "result", result.tag()).register(registry);
            }
            return adder;
        }).increment();
    }

    private record ResultKey(String upstream, ConnectionResult result) {
    }

    void sni(SniRoutes.SniResult result) {
        sni.computeIfAbsent(result.tag(), key -> {
            LongAdder adder = new LongAdder();
            if (registry != null) {
                FunctionCounter.builder("turnpike.l4.sni", adder, LongAdder::sum)
                        .description("TLS-passthrough routing decisions by server name")
                        .tags("listener", listener, "result", key).register(registry);
            }
            return adder;
        }).increment();
    }

    public int active() {
        return active.get();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    /** Connection counts keyed {@code upstream|result}. */
    public Map<String, Long> results() {
        Map<String, Long> view = new TreeMap<>();
        results.forEach((key, adder) -> view.put(key.upstream() + "|" + key.result().tag(), adder.sum()));
        return view;
    }

    public Map<String, Long> sniResults() {
        Map<String, Long> view = new TreeMap<>();
        sni.forEach((key, adder) -> view.put(key, adder.sum()));
        return view;
    }
}
