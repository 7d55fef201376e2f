package io.relaycheck.verdict;

import java.util.List;
import java.util.Locale;

/** The mail server software, as far as its greeting and EHLO reply tell. */
public enum Mta {
    POSTFIX("Postfix"),
    EXIM("Exim"),
    MICROSOFT_EXCHANGE("Microsoft Exchange"),
    SENDMAIL("Sendmail"),
    OPENSMTPD("OpenSMTPD"),
    UNKNOWN("unknown");

    private final String displayName;

    Mta(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }

    /**
     * Recognises the MTA from the greeting text and EHLO keywords. Banners are configurable and
     * often hide the software, so EHLO keywords that only one MTA uses count too (Exchange's
     * {@code X-EXPS}, {@code XEXCH50}, {@code X-ANONYMOUSTLS}; Postfix's {@code XFORWARD}).
     */
    public static Mta detect(String greeting, List<String> extensions) {
        String g = greeting == null ? "" : greeting.toLowerCase(Locale.ROOT);
        List<String> ext = extensions == null ? List.of()
                : extensions.stream().map(e -> e.toUpperCase(Locale.ROOT)).toList();
        if (g.contains("postfix")) {
            return POSTFIX;
        }
        if (g.contains("exim")) {
            return EXIM;
        }
        if (g.contains("microsoft esmtp") || g.contains("microsoft exchange")
                || ext.stream().anyMatch(e -> e.startsWith("X-EXPS") || e.startsWith("XEXCH50")
                || e.startsWith("X-ANONYMOUSTLS") || e.startsWith("XRDST"))) {
            return MICROSOFT_EXCHANGE;
        }
        if (g.contains("sendmail")) {
            return SENDMAIL;
        }
        if (g.contains("opensmtpd")) {
            return OPENSMTPD;
        }
        if (ext.stream().anyMatch(e -> e.startsWith("XFORWARD"))) {
            return POSTFIX;
        }
        return UNKNOWN;
    }
}
