package dev.turnpike.l4;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads the server name out of a TLS ClientHello without decrypting or consuming anything. The hello may
 * arrive in any number of TCP segments and be split over several TLS records; {@link #parse} is called
 * again with more bytes until it returns a verdict other than {@link NeedMore}.
 */
final class ClientHelloParser {

    private static final int RECORD_HEADER = 5;
    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int MAX_RECORD = 16384 + 2048;
    private static final int SERVER_NAME = 0;
    private static final int HOST_NAME = 0;

    sealed interface Verdict permits NeedMore, Hello, Invalid {
    }

    record NeedMore() implements Verdict {
    }

    /** A complete ClientHello; {@code serverName} is null when it carries none. */
    record Hello(String serverName) implements Verdict {
    }

    record Invalid(String reason) implements Verdict {
    }

    private static final NeedMore NEED_MORE = new NeedMore();

    private ClientHelloParser() {
    }

    /**
     * @param in the bytes received so far, from the first; left untouched
     * @param maxBytes the largest ClientHello accepted (handshake message, header included)
     */
    static Verdict parse(ByteBuf in, int maxBytes) {
        int offset = in.readerIndex();
        int end = in.writerIndex();
        if (end - offset < 1) {
            return NEED_MORE;
        }
        int first = in.getUnsignedByte(offset);
        if (first != HANDSHAKE) {
            return new Invalid((first & 0x80) != 0 ? "SSLv2-style hello" : "not a TLS handshake");
        }
        byte[] hello = null;
        int length = 0;
        int expected = -1;
        while (end - offset >= RECORD_HEADER) {
            if (in.getUnsignedByte(offset) != HANDSHAKE) {
                return new Invalid("ClientHello interrupted by a non-handshake record");
            }
            if (in.getUnsignedByte(offset + 1) != 3) {
                return new Invalid("unknown record version");
            }
            int recordLength = in.getUnsignedShort(offset + 3);
            if (recordLength == 0 || recordLength > MAX_RECORD) {
                return new Invalid("bad record length " + recordLength);
            }
            if (end - offset - RECORD_HEADER < recordLength) {
                break;
            }
            if (hello == null) {
                hello = new byte[Math.min(maxBytes, 4 + 0xFFFFFF)];
            }
            int take = Math.min(recordLength, hello.length - length);
            in.getBytes(offset + RECORD_HEADER, hello, length, take);
            length += take;
            offset += RECORD_HEADER + recordLength;
            if (expected < 0 && length >= 4) {
                if (hello[0] != CLIENT_HELLO) {
                    return new Invalid("first handshake message is not a ClientHello");
                }
                expected = 4 + ((hello[1] & 0xFF) << 16 | (hello[2] & 0xFF) << 8 | (hello[3] & 0xFF));
                if (expected > maxBytes) {
                    return new Invalid("ClientHello of " + expected + " bytes is over the " + maxBytes + "-byte cap");
                }
            }
            if (expected >= 0 && length >= expected) {
                return serverName(hello, expected);
            }
        }
        if (end - in.readerIndex() > maxBytes + RECORD_HEADER * 4) {
            return new Invalid("ClientHello is over the " + maxBytes + "-byte cap");
        }
        return NEED_MORE;
    }

    private static Verdict serverName(byte[] hello, int length) {
        Reader r = new Reader(hello, 4, length);
        if (!r.skip(2 + 32) || !r.skipVector(1) || !r.skipVector(2) || !r.skipVector(1)) {
            return new Invalid("malformed ClientHello");
        }
        if (r.remaining() == 0) {
            return new Hello(null);
        }
        int extensionsEnd = r.vectorEnd(2);
        if (extensionsEnd != length) {
            return new Invalid("malformed ClientHello extensions");
        }
        while (r.position < extensionsEnd) {
            if (r.remaining() < 4) {
                return new Invalid("malformed ClientHello extension");
            }
            int type = r.u16();
            int extensionEnd = r.vectorEnd(2);
            if (extensionEnd < 0) {
                return new Invalid("malformed ClientHello extension");
            }
            if (type == SERVER_NAME) {
                return hostName(new Reader(hello, r.position, extensionEnd));
            }
            r.position = extensionEnd;
        }
        return new Hello(null);
    }

    private static Verdict hostName(Reader r) {
        int listEnd = r.vectorEnd(2);
        if (listEnd < 0) {
            return new Invalid("malformed server_name extension");
        }
        while (r.position < listEnd) {
            if (r.remaining() < 3) {
                return new Invalid("malformed server_name extension");
            }
            int nameType = r.u8();
            int nameEnd = r.vectorEnd(2);
            if (nameEnd < 0 || nameEnd > listEnd) {
                return new Invalid("malformed server_name extension");
            }
            if (nameType == HOST_NAME) {
                String name = new String(r.bytes, r.position, nameEnd - r.position, StandardCharsets.US_ASCII);
                if (name.isEmpty() || !name.matches("[A-Za-z0-9._-]+\\.?")) {
                    return new Invalid("server name is not a host name");
                }
                if (name.endsWith(".")) {
                    name = name.substring(0, name.length() - 1);
                }
                return new Hello(name.toLowerCase(Locale.ROOT));
            }
            r.position = nameEnd;
        }
        return new Hello(null);
    }

    /** Bounds-checked reads over a byte range. */
    private static final class Reader {
        final byte[] bytes;
        int position;
        final int end;

        Reader(byte[] bytes, int position, int end) {
            this.bytes = bytes;
            this.position = position;
            this.end = end;
        }

        int remaining() {
            return end - position;
        }

        int u8() {
            return bytes[position++] & 0xFF;
        }

        int u16() {
            int value = (bytes[position] & 0xFF) << 8 | (bytes[position + 1] & 0xFF);
            position += 2;
            return value;
        }

        boolean skip(int n) {
            if (remaining() < n) {
                return false;
            }
            position += n;
            return true;
        }

        /** Reads a length prefix of {@code size} bytes; returns where the vector ends, or -1 if it overruns. */
        int vectorEnd(int size) {
            if (remaining() < size) {
                return -1;
            }
            int length = size == 1 ? u8() : u16();
            return remaining() < length ? -1 : position + length;
        }

        boolean skipVector(int size) {
            int vectorEnd = vectorEnd(size);
            if (vectorEnd < 0) {
                return false;
            }
            position = vectorEnd;
            return true;
        }
    }
}
