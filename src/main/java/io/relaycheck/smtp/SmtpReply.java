package io.relaycheck.smtp;

import java.util.List;
import java.util.Objects;

/**
 * One complete SMTP reply (RFC 5321 §4.2): a three-digit code, the text of every line, and the
 * enhanced status code (RFC 3463) when the first line carries one.
 *
 * @param code         the reply code, 200–599
 * @param enhancedCode the RFC 3463 {@code class.subject.detail} code, or {@code null}
 * @param lines        the text of each line after the code and separator, control bytes escaped
 */
public record SmtpReply(int code, String enhancedCode, List<String> lines) {

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        lines = List.copyOf(lines);
        Objects.requireNonNull(lines);
    }

    /** Builds a reply, reading the enhanced code from the first line when its class matches. */
    public static SmtpReply of(int code, List<String> lines) {
        String enhanced = lines.isEmpty() ? null : enhancedCode(lines.get(0));
        // The enhanced code's class must agree with the reply's first digit (RFC 3463 §2);
        // a "250 5.0.0" is text, not a status.
        if (enhanced != null && enhanced.charAt(0) - '0' != code / 100) {
            enhanced = null;
        }
        return new SmtpReply(code, enhanced, lines);
    }

    /**
     * The RFC 3463 status at the start of a reply's text: {@code class "." subject "." detail}, class
     * 2, 4 or 5, subject and detail of one to three digits (§2), followed by white space or the end;
     * a server echoes it at the start of the text of each line (RFC 2034 §4). A hand-written scan rather than a regular expression: it runs once for every reply of every
     * check, and a batch decodes hundreds of thousands of replies.
     */
    static String enhancedCode(String text) {
        if (text.length() < 5) {
            return null;
        }
        char c = text.charAt(0);
        if ((c != '2' && c != '4' && c != '5') || text.charAt(1) != '.') {
            return null;
        }
        int subjectEnd = digits(text, 2);
        if (subjectEnd < 0 || subjectEnd >= text.length() || text.charAt(subjectEnd) != '.') {
            return null;
        }
        int end = digits(text, subjectEnd + 1);
        if (end < 0 || (end < text.length() && !isSpace(text.charAt(end)))) {
            return null;
        }
        return text.substring(0, end);
    }

    /** The end of a run of one to three ASCII digits starting at {@code from}, or -1. */
    private static int digits(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        int n = i - from;
        return n >= 1 && n <= 3 ? i : -1;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

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
