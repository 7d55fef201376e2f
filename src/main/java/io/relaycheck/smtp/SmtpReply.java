package io.relaycheck.smtp;

import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One complete SMTP reply (RFC 5321 §4.2): a three-digit code, the text of every line, and the
 * enhanced status code (RFC 3463) when the first line carries one.
 *
 * @param code         the reply code, 200–599
 * @param enhancedCode the RFC 3463 {@code class.subject.detail} code, or {@code null}
 * @param lines        the text of each line after the code and separator, control bytes escaped
 */
public record SmtpReply(int code, String enhancedCode, List<String> lines) {

    /**
     * RFC 3463 §2: class is 2, 4 or 5; subject and detail are 1–3 digits. A server echoes it at the
     * start of the text of each line (RFC 2034 §4).
     */
    private static final Pattern ENHANCED = Pattern.compile("^([245])\\.(\\d{1,3})\\.(\\d{1,3})(?:\\s|$)");

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        lines = List.copyOf(lines);
        Objects.requireNonNull(lines);
    }

    /** Builds a reply, reading the enhanced code from the first line when its class matches. */
    public static SmtpReply of(int code, List<String> lines) {
        String enhanced = null;
        if (!lines.isEmpty()) {
            Matcher m = ENHANCED.matcher(lines.get(0));
            // The enhanced code's class must agree with the reply's first digit (RFC 3463 §2);
            // a "250 5.0.0" is text, not a status.
            if (m.find() && m.group(1).charAt(0) - '0' == code / 100) {
                enhanced = m.group(1) + "." + m.group(2) + "." + m.group(3);
            }
        }
        return new SmtpReply(code, enhanced, lines);
    }

    /** All lines joined by a space: what a person reads. */
    public String text() {
        return String.join(" ", lines);
    }

    public boolean isPositive() {
        return code / 100 == 2;
    }

    public boolean isTransientFailure() {
        return code / 100 == 4;
    }

    public boolean isPermanentFailure() {
        return code / 100 == 5;
    }

    /** The first word of the first line: for a greeting or EHLO reply, the server's host name. */
    public String firstWord() {
        if (lines.isEmpty()) {
            return "";
        }
        String first = lines.get(0).strip();
        int space = first.indexOf(' ');
        return space < 0 ? first : first.substring(0, space);
    }

    @Override
    public String toString() {
        // The enhanced code is part of the text already (RFC 2034 §4), so it is not repeated.
        String text = text();
        return text.isEmpty() ? String.valueOf(code) : code + " " + text;
    }
}
