package io.relaycheck.probe;

import io.relaycheck.dns.IpLiterals;
import io.relaycheck.smtp.SmtpCommand;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values the battery's placeholders take for one server.
 *
 * @param senderLocal    F: local part of our probe sender
 * @param senderDomain   PD: our own sender domain
 * @param recipientLocal T: local part of the external recipient
 * @param recipientDomain D: the external domain the relay tests try to reach
 * @param serverName     S: the server's host name (MX name, target host or greeting name)
 * @param address        the address we connected to, for IP: rendered as an address literal
 * @param mailDomain     MD: the domain the server is responsible for
 */
public record ProbeContext(String senderLocal, String senderDomain, String recipientLocal, String recipientDomain,
                           String serverName, InetAddress address, String mailDomain) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(F|PD|T|D|S|IP|MD)}");

    /**
     * Every value ends up in a command line: refuse control bytes here too, so a bad configuration
     * or a hostile greeting name fails loudly instead of reaching a server.
     */
    public ProbeContext {
        SmtpCommand.checkArgument("probe sender local part", senderLocal);
        SmtpCommand.checkArgument("probe sender domain", senderDomain);
        SmtpCommand.checkArgument("recipient local part", recipientLocal);
        SmtpCommand.checkArgument("recipient domain", recipientDomain);
        SmtpCommand.checkArgument("server name", serverName);
        SmtpCommand.checkArgument("mail domain", mailDomain);
    }

    /**
     * RFC 5321 §4.1.3: an IPv4 address literal is {@code [192.0.2.1]}, an IPv6 one
     * {@code [IPv6:2001:db8::1]}.
     */
    public static String addressLiteral(InetAddress address) {
        // RFC 5952 text (compressed, lower case), as servers print it in their own replies.
        String text = IpLiterals.toText(address);
        return address instanceof Inet6Address ? "[IPv6:" + text + "]" : "[" + text + "]";
    }

    String fill(String template) {
        Map<String, String> values = Map.of("F", senderLocal, "PD", senderDomain, "T", recipientLocal,
                "D", recipientDomain, "S", serverName, "IP", addressLiteral(address), "MD", mailDomain);
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(values.get(m.group(1))));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
