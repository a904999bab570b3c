package dev.permwatch.ops;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Address and port of the operations endpoint ({@code /metrics}, {@code /health/live},
 * {@code /health/ready}), read from the {@code permwatch.ops.*} keys of an app's properties file.
 *
 * @param enabled     false when {@value #ENABLED} is false or {@value #PORT} is -1
 * @param bindAddress address the server binds to; {@code 0.0.0.0} (all interfaces) by default,
 *                    because a scraper or orchestrator reaches a container from outside
 * @param port        TCP port, 0 for a random free port
 */
public record OpsSettings(boolean enabled, String bindAddress, int port) {

    public static final String ENABLED = "permwatch.ops.enabled";
    public static final String PORT = "permwatch.ops.port";
    public static final String BIND_ADDRESS = "permwatch.ops.bind.address";
    /** Every key this class reads; the apps add them to their known {@code permwatch.} keys. */
    public static final List<String> KEYS = List.of(ENABLED, PORT, BIND_ADDRESS);

    public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";
    public static final int DEFAULT_POLLER_PORT = 9400;
    public static final int DEFAULT_STREAMS_PORT = 9401;

    /** Invalid value of one {@code permwatch.ops.*} key; the message names the key and the value. */
    public static final class InvalidSettingException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        private final String key;

        InvalidSettingException(final String key, final String message) {
            super(message);
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /** Returns settings that start no server. */
    public static OpsSettings disabled() {
        return new OpsSettings(false, DEFAULT_BIND_ADDRESS, -1);
    }

    /**
     * Reads the {@code permwatch.ops.*} keys.
     *
     * @param entries     the app's {@code permwatch.} entries, values trimmed; other keys are ignored
     * @param defaultPort port used when {@value #PORT} is absent
     * @throws InvalidSettingException on an invalid value; the message names the key and value
     */
    public static OpsSettings parse(final Map<String, String> entries, final int defaultPort) {
        final boolean enabled = parseEnabled(entries.get(ENABLED));
        final int port = parsePort(entries.get(PORT), defaultPort);
        final String bindAddress = entries.getOrDefault(BIND_ADDRESS, DEFAULT_BIND_ADDRESS);
        if (bindAddress.isBlank()) {
            throw new InvalidSettingException(BIND_ADDRESS, "Invalid value '' for " + BIND_ADDRESS + ": expected an IP address"
                    + " or host name, for example 127.0.0.1, or remove the key for " + DEFAULT_BIND_ADDRESS);
        }
        if (!enabled || port == -1) {
            return new OpsSettings(false, bindAddress, -1);
        }
        return new OpsSettings(true, bindAddress, port);
    }

    private static boolean parseEnabled(final String value) {
        if (value == null) {
            return true;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidSettingException(ENABLED, "Invalid value '" + value + "' for " + ENABLED
                    + ": expected true or false");
        };
    }

    private static int parsePort(final String value, final int defaultPort) {
        if (value == null) {
            return defaultPort;
        }
        final String expected = ": expected a TCP port from 1 to 65535, 0 for a random free port or -1 to turn"
                + " the endpoint off, for example " + defaultPort;
        final int port;
        try {
            port = Integer.parseInt(value);
        } catch (final NumberFormatException e) {
            throw new InvalidSettingException(PORT, "Invalid value '" + value + "' for " + PORT + expected);
        }
        if (port < -1 || port > 65535) {
            throw new InvalidSettingException(PORT, "Invalid value '" + value + "' for " + PORT + expected);
        }
        return port;
    }
}
