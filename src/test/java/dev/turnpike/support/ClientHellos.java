package dev.turnpike.support;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** Real ClientHellos from the JDK's TLS engine, and reshaped ones: padded large, or split over many records. */
public final class ClientHellos {

    private ClientHellos() {
    }

    /** The first flight of a JDK TLS client, one record; {@code serverName} null sends no SNI. */
    public static byte[] hello(String serverName) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] record = new byte[out.remaining()];
        out.get(record);
        return record;
    }

    /** The handshake message inside a one-record hello. */
    public static byte[] handshake(byte[] record) {
        return Arrays.copyOfRange(record, 5, record.length);
    }

    /** Adds a padding extension (type 21) of {@code padding} bytes, making the hello that much larger. */
    public static byte[] padded(byte[] handshake, int padding) {
        int position = 4 + 2 + 32;
        position += 1 + (handshake[position] & 0xFF);
        position += 2 + u16(handshake, position);
        position += 1 + (handshake[position] & 0xFF);
        int extensionsLength = u16(handshake, position);
        byte[] out = Arrays.copyOf(handshake, handshake.length + 4 + padding);
        int end = handshake.length;
        out[end] = 0;
        out[end + 1] = 21;
        out[end + 2] = (byte) (padding >> 8);
        out[end + 3] = (byte) padding;
        put16(out, position, extensionsLength + 4 + padding);
        int bodyLength = out.length - 4;
        out[1] = (byte) (bodyLength >> 16);
        out[2] = (byte) (bodyLength >> 8);
        out[3] = (byte) bodyLength;
        return out;
    }

    /** Frames a handshake message in TLS records of at most {@code recordSize} bytes each. */
    public static byte[] records(byte[] handshake, int recordSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int offset = 0; offset < handshake.length; offset += recordSize) {
            int length = Math.min(recordSize, handshake.length - offset);
            out.write(22);
            out.write(3);
            out.write(1);
            out.write(length >> 8);
            out.write(length);
            out.write(handshake, offset, length);
        }
        return out.toByteArray();
    }

    private static int u16(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) << 8 | (bytes[at + 1] & 0xFF);
    }

    private static void put16(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >> 8);
        bytes[at + 1] = (byte) value;
    }
}
