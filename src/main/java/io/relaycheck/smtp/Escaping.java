package io.relaycheck.smtp;

/** Turns hostile bytes into text that is safe to show and to log. */
public final class Escaping {

    private Escaping() {
    }

    /**
     * Printable ASCII stays as it is; every other byte (control bytes, DEL, anything above 0x7F)
     * becomes {@code \xHH}, so that a server cannot inject terminal escapes, fake transcript lines
     * or invalid UTF-8 into a report.
     */
    public static String escape(byte[] bytes, int offset, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = offset; i < offset + length; i++) {
            int b = bytes[i] & 0xFF;
            if (b >= 0x20 && b < 0x7F) {
                sb.append((char) b);
            } else if (b == '\t') {
                sb.append("\\t");
            } else if (b == '\r') {
                sb.append("\\r");
            } else if (b == '\n') {
                sb.append("\\n");
            } else {
                sb.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            }
        }
        return sb.toString();
    }

    public static String escape(String s) {
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return escape(bytes, 0, bytes.length);
    }
}
