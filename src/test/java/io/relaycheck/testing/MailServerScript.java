package io.relaycheck.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A configurable, well-behaved SMTP server script: greeting, EHLO (or refusal), optional
 * STARTTLS and PIPELINING, MAIL/RCPT decided by functions, RSET, NOOP, QUIT. Refuses DATA and
 * anything else it does not know. Replies come after {@code replyDelayMs} so that a client that
 * writes without waiting is caught.
 */
public final class MailServerScript implements FakeSmtpServer.Script {

    /** The served domain; recipients there exist when listed in {@link #users}. */
    public static final String DOMAIN = "relay.test";

    private String[] greeting = {"220 mx.relay.test ESMTP FakeMTA"};
    private boolean ehlo = true;
    private boolean pipelining;
    private boolean startTls;
    private long replyDelayMs = 5;
    private List<String> users = List.of("postmaster", "alice");
    private Function<String, String> mail = from -> "250 2.1.0 Ok";
    private BiFunction<String, String, String> rcpt = MailServerScript::closedRelay;
    private int hangUpAfterErrors = Integer.MAX_VALUE;
    private int slowErrorsAfter = Integer.MAX_VALUE;
    private long slowErrorDelayMs;

    public static MailServerScript closed() {
        return new MailServerScript();
    }

    public MailServerScript greeting(String... lines) {
        this.greeting = lines;
        return this;
    }

    public MailServerScript noEhlo() {
        this.ehlo = false;
        return this;
    }

    public MailServerScript pipelining(boolean on) {
        this.pipelining = on;
        return this;
    }

    public MailServerScript startTls(boolean on) {
        this.startTls = on;
        return this;
    }

    public MailServerScript replyDelayMs(long ms) {
        this.replyDelayMs = ms;
        return this;
    }

    public MailServerScript mail(Function<String, String> replyForSender) {
        this.mail = replyForSender;
        return this;
    }

    /** Decides the reply to RCPT from (MAIL FROM path, RCPT TO path), both with brackets as sent. */
    public MailServerScript rcpt(BiFunction<String, String, String> replyForRecipient) {
        this.rcpt = replyForRecipient;
        return this;
    }

    /** Like Postfix's smtpd_hard_error_limit: hang up after n refused commands. */
    public MailServerScript hangUpAfterErrors(int n) {
        this.hangUpAfterErrors = n;
        return this;
    }

    /** Like Postfix's smtpd_soft_error_limit: slow every reply after n errors. */
    public MailServerScript slowErrorsAfter(int n, long delayMs) {
        this.slowErrorsAfter = n;
        this.slowErrorDelayMs = delayMs;
        return this;
    }

    /** Only local users at {@link #DOMAIN} are accepted; everything else is refused as relay. */
    public static String closedRelay(String from, String to) {
        String addr = stripBrackets(to);
        if (isLocalUser(addr)) {
            return "250 2.1.5 Ok";
        }
        if (addr.endsWith("@" + DOMAIN)) {
            return "550 5.1.1 <" + addr + ">: Recipient address rejected: User unknown in local recipient table";
        }
        return "554 5.7.1 <" + addr + ">: Relay access denied";
    }

    /** Validates local users, and relays anything else: a real open relay. */
    public static String openRelay(String from, String to) {
        String addr = stripBrackets(to);
        if (addr.endsWith("@" + DOMAIN)) {
            return closedRelay(from, to);
        }
        return "250 2.1.5 Ok";
    }

    /** Accepts every recipient (accept-and-discard). */
    public static String acceptAll(String from, String to) {
        return "250 2.1.5 Ok";
    }

    public static boolean isLocalUser(String address) {
        String a = address.toLowerCase(Locale.ROOT);
        return a.equals("postmaster@" + DOMAIN) || a.equals("alice@" + DOMAIN);
    }

    public static String stripBrackets(String path) {
        String p = path.strip();
        return p.startsWith("<") && p.endsWith(">") ? p.substring(1, p.length() - 1) : p;
    }

    /**
     * This script, except where {@code override} handles a command itself (returns true): for
     * servers that misbehave at one point of an otherwise normal dialogue.
     */
    public FakeSmtpServer.Script except(java.util.function.BiPredicate<FakeSmtpServer.Conn, String> override) {
        MailServerScript normal = this;
        return new FakeSmtpServer.Script() {
            @Override
            public void connected(FakeSmtpServer.Conn conn) {
                normal.connected(conn);
            }

            @Override
            public void command(FakeSmtpServer.Conn conn, String line) {
                if (!override.test(conn, line)) {
                    normal.command(conn, line);
                }
            }
        };
    }

    @Override
    public void connected(FakeSmtpServer.Conn conn) {
        conn.reply(greeting);
        conn.greeted();
        if (!greeting[greeting.length - 1].startsWith("220")) {
            if (greeting[greeting.length - 1].startsWith("421")) {
                conn.close();
            }
        }
    }

    @Override
    public void command(FakeSmtpServer.Conn conn, String line) {
        String upper = line.toUpperCase(Locale.ROOT);
        String verb = upper.split(" ", 2)[0];
        if (upper.startsWith("MAIL FROM:")) {
            verb = "MAIL";
        } else if (upper.startsWith("RCPT TO:")) {
            verb = "RCPT";
        }
        switch (verb) {
            case "EHLO" -> {
                if (!ehlo) {
                    error(conn, "502 5.5.2 Error: command not recognized");
                    return;
                }
                List<String> ext = new ArrayList<>();
                ext.add("mx.relay.test");
                if (pipelining) {
                    ext.add("PIPELINING");
                }
                ext.add("SIZE 10240000");
                if (startTls && !conn.tls) {
                    ext.add("STARTTLS");
                }
                ext.add("ENHANCEDSTATUSCODES");
                ext.add("8BITMIME");
                String[] lines = new String[ext.size()];
                for (int i = 0; i < ext.size(); i++) {
                    lines[i] = "250" + (i == ext.size() - 1 ? " " : "-") + ext.get(i);
                }
                conn.pipeliningAdvertised = pipelining;
                ok(conn, lines);
            }
            case "HELO" -> {
                conn.pipeliningAdvertised = false;
                ok(conn, "250 mx.relay.test");
            }
            case "STARTTLS" -> {
                if (!startTls || conn.tls) {
                    error(conn, "502 5.5.1 Error: command not implemented");
                    return;
                }
                conn.reply("220 2.0.0 Ready to start TLS");
                conn.pipeliningAdvertised = false;
                conn.startTls(FakeSmtpServer.Conn::done);
            }
            case "MAIL" -> {
                String from = line.substring("MAIL FROM:".length()).strip();
                String r = mail.apply(from);
                if (r.startsWith("2")) {
                    conn.mailFrom = from;
                    ok(conn, r);
                } else {
                    error(conn, r);
                }
            }
            case "RCPT" -> {
                if (conn.mailFrom == null) {
                    error(conn, "503 5.5.1 Error: need MAIL command");
                    return;
                }
                String r = rcpt.apply(conn.mailFrom, line.substring("RCPT TO:".length()).strip());
                if (r.startsWith("2")) {
                    ok(conn, r);
                } else {
                    error(conn, r);
                }
            }
            case "RSET" -> {
                conn.mailFrom = null;
                ok(conn, "250 2.0.0 Ok");
            }
            case "NOOP" -> ok(conn, "250 2.0.0 Ok");
            case "QUIT" -> {
                conn.reply("221 2.0.0 Bye");
                conn.close();
            }
            default -> error(conn, "502 5.5.2 Error: command not recognized");
        }
    }

    private void ok(FakeSmtpServer.Conn conn, String... lines) {
        conn.answerLater(replyDelayMs, lines);
    }

    private void error(FakeSmtpServer.Conn conn, String... lines) {
        conn.errors++;
        if (conn.errors > hangUpAfterErrors) {
            conn.reply("421 4.7.0 mx.relay.test Error: too many errors");
            conn.close();
            return;
        }
        long delay = conn.errors > slowErrorsAfter ? slowErrorDelayMs : replyDelayMs;
        conn.answerLater(delay, lines);
    }
}
