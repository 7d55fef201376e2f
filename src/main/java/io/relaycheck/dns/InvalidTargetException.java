package io.relaycheck.dns;

/**
 * The {@code target} field is not a domain name, host name or IP literal we can check. The message
 * is written for the user (it becomes the {@code 400} problem detail) and shows the input with
 * control and invisible characters escaped.
 */
public class InvalidTargetException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidTargetException(String message) {
        super(message);
    }
}
