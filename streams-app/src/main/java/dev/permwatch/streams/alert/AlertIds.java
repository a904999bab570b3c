package dev.permwatch.streams.alert;

import dev.permwatch.avro.AlertKind;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Computes alert ids as the Alert schema defines them: the hex SHA-256 of kind, source key and
 * the triggering snapshot or record, first 32 characters. Replaying the same input therefore
 * raises alerts with the same ids, so a consumer can drop repeats.
 */
public final class AlertIds {

    private static final int ID_LENGTH = 32;

    private AlertIds() {
    }

    /**
     * Returns the id of an alert.
     *
     * @param kind      kind of the alert, never null
     * @param sourceKey source key, or null when the source is unknown
     * @param trigger   what raised it, for example a snapshot id or {@code topic/partition/offset}
     */
    public static String of(final AlertKind kind, final String sourceKey, final String trigger) {
        final String text = kind.name() + "|" + (sourceKey == null ? "" : sourceKey) + "|" + trigger;
        try {
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, ID_LENGTH);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
