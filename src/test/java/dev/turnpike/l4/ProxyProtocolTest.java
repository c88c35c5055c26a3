package dev.turnpike.l4;

import static dev.turnpike.support.L4Gateway.connect;
import static dev.turnpike.support.L4Gateway.key;
import static dev.turnpike.support.L4Gateway.tcpListener;
import static dev.turnpike.support.L4Gateway.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.Gateway;
import dev.turnpike.support.TcpBackend;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProxyProtocolTest {

    /** A backend that records everything a connection sends until its FIN. */
    private static TcpBackend recorder(CompletableFuture<byte[]> received) throws Exception {
        return TcpBackend.start(socket -> received.complete(socket.getInputStream().readAllBytes()));
    }

    private static Gateway gateway(TcpBackend backend, Map<String, Object> listener) {
        Map<String, Object> properties = new LinkedHashMap<>(upstream("pool", backend.address()));
        properties.putAll(tcpListener(0, "t", "pool"));
        properties.putAll(listener);
        return Gateway.start(properties);
    }

    @Test
    void sendsAVersion1HeaderNamingTheClient() throws Exception {
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        try (TcpBackend backend = recorder(received);
             Gateway gateway = gateway(backend, Map.of(key(0, "send-proxy-protocol"), "v1"));
             Socket socket = connect(gateway, "t")) {
            socket.getOutputStream().write("payload".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            String text = new String(received.get(10, TimeUnit.SECONDS), StandardCharsets.US_ASCII);
            assertThat(text).isEqualTo("PROXY TCP4 127.0.0.1 127.0.0.1 " + socket.getLocalPort() + " "
                    + socket.getPort() + "\r\npayload");
        }
    }

    @Test
    void sendsAVersion2HeaderNamingTheClient() throws Exception {
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        try (TcpBackend backend = recorder(received);
             Gateway gateway = gateway(backend, Map.of(key(0, "send-proxy-protocol"), "v2"));
             Socket socket = connect(gateway, "t")) {
            socket.getOutputStream().write("payload".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            byte[] bytes = received.get(10, TimeUnit.SECONDS);
            String expected = "0d0a0d0a000d0a515549540a" // signature
                    + "21" // version 2, PROXY
                    + "11" // TCP over IPv4
                    + "000c" // 12 address bytes
                    + "7f000001" + "7f000001"
                    + String.format("%04x", socket.getLocalPort()) + String.format("%04x", socket.getPort());
            assertThat(HexFormat.of().formatHex(bytes, 0, 28)).isEqualTo(expected);
            assertThat(new String(bytes, 28, bytes.length - 28, StandardCharsets.US_ASCII)).isEqualTo("payload");
        }
    }

    @Test
    void acceptsAClientsVersion1HeaderAndPassesOnTheRealClient() throws Exception {
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        try (TcpBackend backend = recorder(received);
             Gateway gateway = gateway(backend, Map.of(key(0, "accept-proxy-protocol"), true,
                     key(0, "send-proxy-protocol"), "v1"));
             Socket socket = connect(gateway, "t")) {
            socket.getOutputStream().write("PROXY TCP4 203.0.113.7 198.51.100.1 40000 443\r\nhello"
                    .getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            assertThat(new String(received.get(10, TimeUnit.SECONDS), StandardCharsets.US_ASCII))
                    .isEqualTo("PROXY TCP4 203.0.113.7 198.51.100.1 40000 443\r\nhello");
        }
    }

    @Test
    void acceptsAClientsVersion2Header() throws Exception {
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        try (TcpBackend backend = recorder(received);
             Gateway gateway = gateway(backend, Map.of(key(0, "accept-proxy-protocol"), true,
                     key(0, "send-proxy-protocol"), "v1"));
             Socket socket = connect(gateway, "t")) {
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            header.write(HexFormat.of().parseHex("0d0a0d0a000d0a515549540a" + "21" + "11" + "000c"
                    + "c0000205" + "c6336401" + "1f90" + "01bb"));
            header.write("after the header".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(header.toByteArray());
            socket.shutdownOutput();
            assertThat(new String(received.get(10, TimeUnit.SECONDS), StandardCharsets.US_ASCII))
                    .isEqualTo("PROXY TCP4 192.0.2.5 198.51.100.1 8080 443\r\nafter the header");
        }
    }

    @Test
    void aConnectionWithoutAValidHeaderIsClosedAndCounted() throws Exception {
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        try (TcpBackend backend = recorder(received);
             Gateway gateway = gateway(backend, Map.of(key(0, "accept-proxy-protocol"), true));
             Socket socket = connect(gateway, "t")) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            int read;
            try {
                read = in.read();
            } catch (SocketException reset) {
                read = -1;
            }
            assertThat(read).isEqualTo(-1);
            Gateway.await(Duration.ofSeconds(5),
                    () -> TcpRelayTest.stats(gateway).results().getOrDefault("none|bad-proxy-header", 0L) == 1,
                    "a bad-proxy-header count");
            assertThat(backend.accepted()).isZero();
        }
    }

    @Test
    void theAddressInAnAcceptedHeaderDrivesIpHashBalancing() throws Exception {
        try (TcpBackend first = TcpBackend.start(socket -> socket.getOutputStream().write('1'));
             TcpBackend second = TcpBackend.start(socket -> socket.getOutputStream().write('2'))) {
            Map<String, Object> properties = new LinkedHashMap<>(upstream("pool", first.address(), second.address()));
            properties.put("turnpike.upstreams.pool.balancer", "ip-hash");
            properties.putAll(tcpListener(0, "t", "pool"));
            properties.put(key(0, "accept-proxy-protocol"), true);
            try (Gateway gateway = Gateway.start(properties)) {
                Map<String, Integer> serverOf = new LinkedHashMap<>();
                for (int round = 0; round < 3; round++) {
                    for (int host = 1; host <= 20; host++) {
                        String client = "203.0.113." + host;
                        try (Socket socket = connect(gateway, "t")) {
                            socket.getOutputStream().write(("PROXY TCP4 " + client + " 198.51.100.1 40000 443\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                            int server = socket.getInputStream().read();
                            Integer earlier = serverOf.putIfAbsent(client, server);
                            assertThat(earlier == null ? server : earlier).as(client).isEqualTo(server);
                        }
                    }
                }
                assertThat(serverOf.values()).contains((int) '1', (int) '2');
            }
        }
    }
}
