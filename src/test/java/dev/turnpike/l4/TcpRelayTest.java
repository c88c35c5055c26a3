package dev.turnpike.l4;

import static dev.turnpike.support.L4Gateway.connect;
import static dev.turnpike.support.L4Gateway.key;
import static dev.turnpike.support.L4Gateway.tcpListener;
import static dev.turnpike.support.L4Gateway.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.TcpBackend;
import io.netty.channel.uring.IoUring;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The relay on the transport this machine's kernel allows ({@code auto}); {@link TcpRelayOnEpollTest} runs it on epoll. */
class TcpRelayTest {

    private static final int MIB = 1024 * 1024;

    /** {@code turnpike.l4.transport} for these cases. */
    String transport() {
        return "auto";
    }

    /** The transport's name as Actuator shows it. */
    String expectedTransport() {
        return IoUring.isAvailable() ? "io_uring" : "epoll";
    }

    private Gateway gateway(Map<String, Object> extra, String... backends) {
        Map<String, Object> properties = new LinkedHashMap<>(upstream("pool", backends));
        properties.putAll(tcpListener(0, "t", "pool"));
        properties.put("turnpike.l4.transport", transport());
        properties.putAll(extra);
        return Gateway.start(properties);
    }

    private static String readAll(Socket socket) throws IOException {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void echoesThroughATcpListener() throws Exception {
        try (TcpBackend backend = TcpBackend.start(TcpBackend.echo());
             Gateway gateway = gateway(Map.of(), backend.address());
             Socket socket = connect(gateway, "t")) {
            socket.getOutputStream().write("hello through l4".getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            assertThat(readAll(socket)).isEqualTo("hello through l4");
            assertThat(backend.accepted()).isEqualTo(1);
        }
    }

    @Test
    void moves100MiBEachWayAtOnceWithMatchingChecksums() throws Exception {
        CompletableFuture<byte[]> backendReceived = new CompletableFuture<>();
        CompletableFuture<byte[]> backendSent = new CompletableFuture<>();
        TcpBackend.Handler handler = socket -> {
            CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> backendReceived.complete(digestOf(socket)));
            backendSent.complete(send(socket.getOutputStream(), 100 * MIB, 2));
            socket.shutdownOutput();
            reading.get(60, TimeUnit.SECONDS);
        };
        try (TcpBackend backend = TcpBackend.start(handler);
             Gateway gateway = gateway(Map.of(), backend.address());
             Socket socket = connect(gateway, "t")) {
            CompletableFuture<byte[]> clientReceived = CompletableFuture.supplyAsync(() -> digestOf(socket));
            byte[] clientSent = send(socket.getOutputStream(), 100 * MIB, 1);
            socket.shutdownOutput();
            assertThat(clientReceived.get(60, TimeUnit.SECONDS)).isEqualTo(backendSent.get(60, TimeUnit.SECONDS));
            assertThat(backendReceived.get(60, TimeUnit.SECONDS)).isEqualTo(clientSent);
            assertThat(gateway.context().getBean(L4Listeners.class).listeners().get(0).stats().bytesIn())
                    .isEqualTo(100L * MIB);
        }
    }

    /** Writes {@code size} pseudo-random bytes and returns their SHA-256. */
    private static byte[] send(OutputStream out, int size, long seed) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        Random random = new Random(seed);
        byte[] chunk = new byte[64 * 1024];
        for (int sent = 0; sent < size; sent += chunk.length) {
            random.nextBytes(chunk);
            digest.update(chunk);
            out.write(chunk);
        }
        out.flush();
        return digest.digest();
    }

    /** Reads to the end and returns the SHA-256 of what came; a length other than 100 MiB fails. */
    private static byte[] digestOf(Socket socket) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
                total += n;
            }
            assertThat(total).isEqualTo(100L * MIB);
            return digest.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aClientFinReachesTheBackendAndTheReplyStillFlows() throws Exception {
        TcpBackend.Handler handler = socket -> {
            String request = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            socket.getOutputStream().write(("after your FIN I got: " + request).getBytes(StandardCharsets.UTF_8));
        };
        try (TcpBackend backend = TcpBackend.start(handler);
             Gateway gateway = gateway(Map.of(), backend.address());
             Socket socket = connect(gateway, "t")) {
            socket.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            assertThat(readAll(socket)).isEqualTo("after your FIN I got: ping");
        }
    }

    @Test
    void aBackendFinReachesTheClientAndTheClientCanStillSend() throws Exception {
        CompletableFuture<String> backendGot = new CompletableFuture<>();
        TcpBackend.Handler handler = socket -> {
            socket.getOutputStream().write("banner".getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            backendGot.complete(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        };
        try (TcpBackend backend = TcpBackend.start(handler);
             Gateway gateway = gateway(Map.of(), backend.address());
             Socket socket = connect(gateway, "t")) {
            InputStream in = socket.getInputStream();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("banner");
            socket.getOutputStream().write("still here".getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            assertThat(backendGot.get(10, TimeUnit.SECONDS)).isEqualTo("still here");
        }
    }

    /**
     * How a load generator often ends a TLS connection after {@code Connection: close}: the backend sends its answer
     * and FIN, and the client, once it has the answer, sends a last record (its close_notify) and resets the
     * connection right behind it. The reset can arrive before the gateway has read the record; every tunnel must
     * still end, or each would hold two sockets until the idle timeout.
     */
    @Test
    void everyTunnelEndsWhenTheClientResetsRightBehindItsLastBytes() throws Exception {
        int connections = 1000;
        TcpBackend.Handler handler = socket -> {
            InputStream in = socket.getInputStream();
            in.readNBytes(7);
            socket.getOutputStream().write("answer".getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            in.readAllBytes();
        };
        try (TcpBackend backend = TcpBackend.start(handler);
             Gateway gateway = gateway(Map.of(), backend.address())) {
            ExecutorService clients = Executors.newFixedThreadPool(16);
            try {
                List<Future<String>> answers = new ArrayList<>();
                for (int i = 0; i < connections; i++) {
                    answers.add(clients.submit(() -> {
                        try (Socket socket = connect(gateway, "t")) {
                            socket.getOutputStream().write("request".getBytes(StandardCharsets.UTF_8));
                            String answer = readAll(socket);
                            socket.getOutputStream().write("bye".getBytes(StandardCharsets.UTF_8));
                            socket.setSoLinger(true, 0);
                            return answer;
                        }
                    }));
                }
                for (Future<String> answer : answers) {
                    assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo("answer");
                }
            } finally {
                clients.shutdownNow();
            }
            Gateway.await(Duration.ofSeconds(10), () -> stats(gateway).active() == 0, "every tunnel to end");
        }
    }

    /**
     * After one side's FIN the other direction fills the socket buffers, drains completely and fills them again:
     * the gateway waits to write more to the side that has finished sending, again and again.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a wedged socket blocks a write for good
    void aHalfClosedClientGetsEveryBurstOfALongReply() throws Exception {
        Semaphore caughtUp = new Semaphore(0);
        TcpBackend.Handler handler = socket -> {
            socket.getInputStream().readAllBytes();
            sendBursts(socket.getOutputStream(), caughtUp);
            socket.shutdownOutput();
        };
        try (TcpBackend backend = TcpBackend.start(handler);
             Gateway gateway = gateway(Map.of(), backend.address());
             Socket socket = connect(gateway, "t")) {
            socket.getOutputStream().write("go".getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            assertThat(readBursts(socket.getInputStream(), caughtUp)).isEqualTo(BURSTS * (long) BURST);
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aHalfClosedBackendGetsEveryBurstOfALongUpload() throws Exception {
        Semaphore caughtUp = new Semaphore(0);
        CompletableFuture<Long> backendGot = new CompletableFuture<>();
        TcpBackend.Handler handler = socket -> {
            socket.shutdownOutput();
            backendGot.complete(readBursts(socket.getInputStream(), caughtUp));
        };
        try (TcpBackend backend = TcpBackend.start(handler);
             Gateway gateway = gateway(Map.of(), backend.address());
             Socket socket = connect(gateway, "t")) {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            sendBursts(socket.getOutputStream(), caughtUp);
            socket.shutdownOutput();
            assertThat(backendGot.get(30, TimeUnit.SECONDS)).isEqualTo(BURSTS * (long) BURST);
        }
    }

    /**
     * The gateway has to wait to write to a socket whose peer has already sent its FIN, with that socket still
     * full when it starts waiting: on io_uring that wait used to end at once and for good (IoUringHalfClose).
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aHalfClosedBackendThatStartsReadingLateGetsTheWholeUpload() throws Exception {
        CompletableFuture<Long> backendGot = new CompletableFuture<>();
        TcpBackend.Handler handler = socket -> {
            socket.shutdownOutput();
            Thread.sleep(LATE_MILLIS);
            backendGot.complete(socket.getInputStream().transferTo(OutputStream.nullOutputStream()));
        };
        ExecutorService uploader = Executors.newSingleThreadExecutor();
        try (TcpBackend backend = TcpBackend.start(handler);
             Gateway gateway = gateway(Map.of(), backend.address());
             Socket socket = connect(gateway, "t")) {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            Future<?> upload = uploader.submit(() -> {
                socket.getOutputStream().write(new byte[LATE_TRANSFER]);
                socket.shutdownOutput();
                return null;
            });
            assertThat(backendGot.get(30, TimeUnit.SECONDS)).isEqualTo(LATE_TRANSFER);
            upload.get(5, TimeUnit.SECONDS);
        } finally {
            uploader.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aHalfClosedClientThatStartsReadingLateGetsTheWholeReply() throws Exception {
        TcpBackend.Handler handler = socket -> {
            socket.getInputStream().readAllBytes();
            socket.getOutputStream().write(new byte[LATE_TRANSFER]);
            socket.shutdownOutput();
        };
        try (TcpBackend backend = TcpBackend.start(handler);
             Gateway gateway = gateway(Map.of(), backend.address());
             Socket socket = connect(gateway, "t")) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("go".getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            Thread.sleep(LATE_MILLIS);
            assertThat(socket.getInputStream().transferTo(OutputStream.nullOutputStream())).isEqualTo(LATE_TRANSFER);
        }
    }

    /** Long enough for a transfer of {@link #LATE_TRANSFER} to fill every buffer on its way and stop. */
    private static final long LATE_MILLIS = 1_000;
    private static final int LATE_TRANSFER = 32 * MIB;

    /** More than the socket buffers of both hops hold, so every burst leaves the gateway waiting to write. */
    private static final int BURST = 16 * MIB;
    private static final int BURSTS = 3;

    /** Writes each burst only once the reader has taken all of the one before. */
    private static void sendBursts(OutputStream out, Semaphore caughtUp) throws Exception {
        byte[] burst = new byte[BURST];
        for (int i = 0; i < BURSTS; i++) {
            if (i > 0 && !caughtUp.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the reader never caught up with burst " + i);
            }
            out.write(burst);
            out.flush();
        }
    }

    /** Reads to the end, signalling each completed burst, and returns the byte count. */
    private static long readBursts(InputStream in, Semaphore caughtUp) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            long before = total / BURST;
            total += n;
            caughtUp.release((int) (total / BURST - before));
        }
        return total;
    }

    @Test
    void aResetFromTheClientResetsTheBackend() throws Exception {
        CompletableFuture<Throwable> backendError = new CompletableFuture<>();
        TcpBackend.Handler handler = socket -> {
            InputStream in = socket.getInputStream();
            try {
                while (in.read() >= 0) {
                    // keep reading until the connection ends
                }
                backendError.complete(null);
            } catch (IOException e) {
                backendError.complete(e);
            }
        };
        try (TcpBackend backend = TcpBackend.start(handler);
             Gateway gateway = gateway(Map.of(), backend.address())) {
            Socket socket = connect(gateway, "t");
            socket.getOutputStream().write("x".getBytes(StandardCharsets.UTF_8));
            Gateway.await(Duration.ofSeconds(5), () -> backend.accepted() == 1, "backend connection");
            Thread.sleep(200);
            socket.setSoLinger(true, 0);
            socket.close();
            assertThat(backendError.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
    }

    @Test
    void aClientThatDoesNotReadStopsTheGatewayReadingTheBackend() throws Exception {
        long total = 256L * MIB;
        AtomicLong written = new AtomicLong();
        TcpBackend.Handler handler = socket -> {
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[64 * 1024];
            while (written.get() < total) {
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
            socket.shutdownOutput();
        };
        try (TcpBackend backend = TcpBackend.start(handler);
             Gateway gateway = gateway(Map.of(), backend.address());
             Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(),
                    dev.turnpike.support.L4Gateway.port(gateway, "t")));
            Gateway.await(Duration.ofSeconds(10), () -> written.get() > 0, "the backend to start writing");
            long before;
            do {
                before = written.get();
                Thread.sleep(1000);
            } while (written.get() != before);
            assertThat(written.get()).as("bytes the backend could write while the client read nothing")
                    .isLessThan(96L * MIB);
            long read = socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            assertThat(read).isEqualTo(total);
        }
    }

    @Test
    void aRefusedConnectMovesToTheNextServer() throws Exception {
        String dead = deadAddress();
        try (TcpBackend backend = TcpBackend.start(TcpBackend.echo());
             Gateway gateway = gateway(Map.of(), dead, backend.address())) {
            for (int i = 0; i < 4; i++) {
                try (Socket socket = connect(gateway, "t")) {
                    socket.getOutputStream().write(("try " + i).getBytes(StandardCharsets.UTF_8));
                    socket.shutdownOutput();
                    assertThat(readAll(socket)).isEqualTo("try " + i);
                }
            }
            assertThat(backend.accepted()).isEqualTo(4);
            assertThat(gateway.upstreams().pool("pool").servers().get(0).failures()).isPositive();
        }
    }

    @Test
    void withEveryServerDownTheClientIsClosedAndCounted() throws Exception {
        try (Gateway gateway = gateway(Map.of(), deadAddress(), deadAddress());
             Socket socket = connect(gateway, "t")) {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            Gateway.await(Duration.ofSeconds(5), () -> stats(gateway).results().getOrDefault("pool|connect-failed", 0L) == 1,
                    "a connect-failed count");
        }
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        try (TcpBackend backend = TcpBackend.start(TcpBackend.echo());
             Gateway gateway = gateway(Map.of(key(0, "idle-timeout"), "300ms"), backend.address());
             Socket socket = connect(gateway, "t")) {
            for (int i = 0; i < 8; i++) {
                Thread.sleep(150);
                socket.getOutputStream().write('a');
                assertThat(socket.getInputStream().read()).as("a connection in use stays open").isEqualTo('a');
            }
            long start = System.nanoTime();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(200));
        }
    }

    @Test
    void connectionsOverTheLimitAreClosedAtOnceAndCounted() throws Exception {
        try (TcpBackend backend = TcpBackend.start(TcpBackend.echo());
             Gateway gateway = gateway(Map.of(key(0, "max-connections"), 2), backend.address())) {
            Socket first = connect(gateway, "t");
            Socket second = connect(gateway, "t");
            for (Socket socket : new Socket[] {first, second}) {
                socket.getOutputStream().write('x');
                assertThat(socket.getInputStream().read()).isEqualTo('x');
            }
            try (Socket third = connect(gateway, "t")) {
                assertThat(readOrReset(third)).isEqualTo(-1);
            }
            assertThat(stats(gateway).results()).containsEntry("none|over-limit", 1L);
            first.close();
            Gateway.await(Duration.ofSeconds(5), () -> stats(gateway).active() == 1, "the first connection to end");
            try (Socket fourth = connect(gateway, "t")) {
                fourth.getOutputStream().write('y');
                assertThat(fourth.getInputStream().read()).isEqualTo('y');
            }
            second.close();
        }
    }

    @Test
    void countsConnectionsAndBytesInPrometheus() throws Exception {
        try (TcpBackend backend = TcpBackend.start(TcpBackend.echo());
             Gateway gateway = gateway(Map.of(), backend.address())) {
            try (Socket socket = connect(gateway, "t")) {
                socket.getOutputStream().write("12345".getBytes(StandardCharsets.UTF_8));
                socket.shutdownOutput();
                assertThat(readAll(socket)).isEqualTo("12345");
            }
            Gateway.await(Duration.ofSeconds(5), () -> stats(gateway).active() == 0, "the connection to end");
            String metrics = gateway.management("/actuator/prometheus").body();
            assertThat(metrics)
                    .contains("turnpike_l4_connections_total{application=\"turnpike\",listener=\"t\",result=\"forwarded\",upstream=\"pool\"} 1.0")
                    .contains("turnpike_l4_bytes_total{application=\"turnpike\",direction=\"in\",listener=\"t\"} 5.0")
                    .contains("turnpike_l4_bytes_total{application=\"turnpike\",direction=\"out\",listener=\"t\"} 5.0")
                    .contains("turnpike_l4_connections_active{application=\"turnpike\",listener=\"t\"} 0.0");
            String listeners = gateway.management("/actuator/listeners").body();
            assertThat(listeners).contains("\"t\":{").contains("\"mode\":\"tcp\"").contains("\"pool|forwarded\":1")
                    .contains("\"transport\":\"" + expectedTransport() + "\"");
        }
    }

    @Test
    void onShutdownTheListenerStopsAcceptingWhileOpenConnectionsFinish() throws Exception {
        try (TcpBackend backend = TcpBackend.start(TcpBackend.echo())) {
            Gateway gateway = gateway(Map.of("turnpike.l4.drain-timeout", "20s"), backend.address());
            int port = dev.turnpike.support.L4Gateway.port(gateway, "t");
            try (Socket open = connect(gateway, "t")) {
                open.getOutputStream().write('a');
                assertThat(open.getInputStream().read()).isEqualTo('a');
                CompletableFuture<Void> closing = CompletableFuture.runAsync(gateway::close);
                Gateway.await(Duration.ofSeconds(10), () -> refused(port), "the listener to stop accepting");
                open.getOutputStream().write('b');
                assertThat(open.getInputStream().read()).as("an open connection keeps flowing").isEqualTo('b');
                assertThat(closing).isNotDone();
                open.shutdownOutput();
                assertThat(open.getInputStream().read()).isEqualTo(-1);
                closing.get(20, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean refused(int port) {
        try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    static ListenerStats stats(Gateway gateway) {
        return gateway.context().getBean(L4Listeners.class).listeners().get(0).stats();
    }

    private static int readOrReset(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read();
        } catch (SocketException reset) {
            return -1;
        }
    }

    static String deadAddress() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

}
