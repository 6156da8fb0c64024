package io.rtgw.server.config;

/**
 * Bad configuration. The message is always a single line that names the setting the way the user
 * wrote it (env name, or YAML key and file) and says what was expected, because the caller prints
 * {@link #getMessage()} and exits: an operator must be able to fix the problem from that line alone.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(oneLine(message));
    }

    public ConfigException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** Values can hold line breaks (PEM text, YAML parser output); the message must not. */
    static String oneLine(String s) {
        return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ').strip();
    }
}
