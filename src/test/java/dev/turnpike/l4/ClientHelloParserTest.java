package dev.turnpike.l4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnpike.support.ClientHellos;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ClientHelloParserTest {

    private static final int CAP = 16 * 1024;

    private static ClientHelloParser.Verdict parse(byte[] bytes) {
        ByteBuf buffer = Unpooled.wrappedBuffer(bytes);
        ClientHelloParser.Verdict verdict = ClientHelloParser.parse(buffer, CAP);
        assertThat(buffer.readerIndex()).as("nothing consumed").isZero();
        return verdict;
    }

    @Test
    void readsTheServerNameOfARealClientHello() throws Exception {
        assertThat(parse(ClientHellos.hello("API.Example.com")))
                .isEqualTo(new ClientHelloParser.Hello("api.example.com"));
    }

    @Test
    void aHelloWithoutSniHasNoName() throws Exception {
        assertThat(parse(ClientHellos.hello(null))).isEqualTo(new ClientHelloParser.Hello(null));
    }

    @Test
    void everyPrefixOfAHelloAsksForMore() throws Exception {
        byte[] hello = ClientHellos.hello("a.example.com");
        for (int length = 0; length < hello.length; length++) {
            assertThat(parse(Arrays.copyOf(hello, length))).as("prefix of %d bytes", length)
                    .isInstanceOf(ClientHelloParser.NeedMore.class);
        }
    }

    @Test
    void reassemblesAHelloSplitOverManyRecords() throws Exception {
        byte[] handshake = ClientHellos.handshake(ClientHellos.hello("split.example.com"));
        assertThat(parse(ClientHellos.records(handshake, 7)))
                .isEqualTo(new ClientHelloParser.Hello("split.example.com"));
    }

    @Test
    void readsAHelloLargerThanOneRecordAsPostQuantumKeySharesMakeThem() throws Exception {
        byte[] handshake = ClientHellos.padded(ClientHellos.handshake(ClientHellos.hello("pq.example.com")), 9000);
        byte[] bytes = ClientHellos.records(handshake, 4096);
        assertThat(parse(bytes)).isEqualTo(new ClientHelloParser.Hello("pq.example.com"));
    }

    @Test
    void refusesWhatIsNotATlsHandshake() {
        assertThat(parse("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(ClientHelloParser.Invalid.class);
        assertThat(parse(new byte[] {(byte) 0x80, 0x2e, 0x01, 0x03, 0x01}))
                .isEqualTo(new ClientHelloParser.Invalid("SSLv2-style hello"));
        assertThat(parse(new byte[] {23, 3, 3, 0, 5, 1, 2, 3, 4, 5})).isInstanceOf(ClientHelloParser.Invalid.class);
    }

    @Test
    void refusesAHelloOverTheCap() throws Exception {
        byte[] handshake = ClientHellos.padded(ClientHellos.handshake(ClientHellos.hello("big.example.com")), 20000);
        byte[] bytes = ClientHellos.records(handshake, 16384);
        assertThat(parse(Arrays.copyOf(bytes, 16384 + 5))).isInstanceOf(ClientHelloParser.Invalid.class);
    }

    @Test
    void refusesMalformedLengths() throws Exception {
        byte[] hello = ClientHellos.hello("bad.example.com");
        byte[] zeroRecord = {22, 3, 1, 0, 0};
        assertThat(parse(zeroRecord)).isInstanceOf(ClientHelloParser.Invalid.class);
        byte[] lyingExtensions = hello.clone();
        int sessionIdAt = 5 + 4 + 2 + 32;
        int ciphersAt = sessionIdAt + 1 + (lyingExtensions[sessionIdAt] & 0xFF);
        int ciphersLength = (lyingExtensions[ciphersAt] & 0xFF) << 8 | (lyingExtensions[ciphersAt + 1] & 0xFF);
        lyingExtensions[ciphersAt] = (byte) 0x7F;
        assertThat(ciphersLength).isLessThan(0x7F00);
        assertThat(parse(lyingExtensions)).isEqualTo(new ClientHelloParser.Invalid("malformed ClientHello"));
        byte[] notAHello = hello.clone();
        notAHello[5] = 2;
        assertThat(parse(notAHello)).isInstanceOf(ClientHelloParser.Invalid.class);
    }
}
