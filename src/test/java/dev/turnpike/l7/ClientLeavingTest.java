package dev.turnpike.l7;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.RawHttp;
import dev.turnpike.support.RecordingBackend;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Clients that close their connection as soon as their answer is in. The gateway then cancels the
 * exchange on the client's event loop while the backend connection finishes on its own; that must never
 * close the backend connection after the pool has lent it to the next request.
 */
class ClientLeavingTest {

    private static final byte[] GET = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] POST = ("POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void aClientLeavingRightAfterItsAnswerNeverCostsTheNextRequestItsBackendConnection() throws Exception {
        int clients = 4;
        int rounds = 1000;
        try (RecordingBackend backend = new RecordingBackend();
             Gateway gateway = Gateway.start(Gateway.upstream("echo", backend.address()))) {
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<Map<Integer, Integer>>> results = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    results.add(pool.submit(() -> {
                        Map<Integer, Integer> statuses = new TreeMap<>();
                        for (int i = 0; i < rounds; i++) {
                            for (byte[] request : new byte[][] {GET, POST}) {
                                statuses.merge(RawHttp.send(gateway.port(), request, false).status(), 1, Integer::sum);
                            }
                        }
                        return statuses;
                    }));
                }
                Map<Integer, Integer> statuses = new TreeMap<>();
                for (Future<Map<Integer, Integer>> result : results) {
                    result.get().forEach((status, count) -> statuses.merge(status, count, Integer::sum));
                }
                assertThat(statuses).containsExactly(Map.entry(200, clients * rounds * 2));
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
