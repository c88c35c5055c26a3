package dev.turnpike.warmup;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Tells when the JIT compiler has caught up with the code being run: its threads spent less than
 * {@value #QUIET_MILLIS_PER_SECOND} ms a second compiling for {@value #QUIET_SECONDS} seconds in a row.
 */
final class CompilerWatch {

    private static final long QUIET_MILLIS_PER_SECOND = 50;
    private static final int QUIET_SECONDS = 3;
    private static final Duration SHORTEST = Duration.ofSeconds(5);

    private final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();

    /**
     * Waits until the compiler has caught up (true), or for at most {@code longest} (false; also when the JVM
     * does not report compilation time). Waits at least five seconds, or {@code longest} when that is shorter.
     */
    boolean awaitSettled(Duration longest) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + longest.toNanos();
        long earliest = start + Math.min(SHORTEST.toNanos(), longest.toNanos());
        boolean measurable = compiler != null && compiler.isCompilationTimeMonitoringSupported();
        long before = measurable ? compiler.getTotalCompilationTime() : 0;
        int quiet = 0;
        while (System.nanoTime() - deadline < 0) {
            Thread.sleep(Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            if (!measurable) {
                continue;
            }
            long now = compiler.getTotalCompilationTime();
            quiet = now - before < QUIET_MILLIS_PER_SECOND ? quiet + 1 : 0;
            before = now;
            if (quiet >= QUIET_SECONDS && System.nanoTime() - earliest >= 0) {
                return true;
            }
        }
        return false;
    }
}
