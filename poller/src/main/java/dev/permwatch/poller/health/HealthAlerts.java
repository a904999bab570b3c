package dev.permwatch.poller.health;

import dev.permwatch.avro.Alert;
import dev.permwatch.avro.AlertKind;
import dev.permwatch.avro.AlertSeverity;
import dev.permwatch.poller.PollFailure;
import dev.permwatch.poller.config.SourceConfig;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@code SOURCE_UNHEALTHY} and {@code SOURCE_RECOVERED} alerts of a source. The
 * action text depends on the {@link FailureCause} of the poll that reached the threshold.
 */
public final class HealthAlerts {

    /** Length of alert ids in hex characters (128 bits of SHA-256), as for snapshot ids. */
    private static final int ID_LENGTH = 32;

    private HealthAlerts() {
    }

    /**
     * Builds the alert for a source that just failed {@code consecutiveFailures} polls in a row.
     *
     * @param polledAt start of the poll that reached the threshold; part of the alert id
     */
    public static Alert unhealthy(final SourceConfig source, final PollFailure lastFailure,
                                  final int consecutiveFailures, final Instant polledAt) {
        final FailureCause cause = FailureCause.of(lastFailure);
        final Map<String, String> details = new LinkedHashMap<>();
        details.put("consecutiveFailures", Integer.toString(consecutiveFailures));
        details.put("cause", cause.name());
        details.put("reason", lastFailure.reason().name());
        if (lastFailure.httpStatus() != null) {
            details.put("httpStatus", Integer.toString(lastFailure.httpStatus()));
        }
        if (!lastFailure.cloudflareErrorCodes().isEmpty()) {
            details.put("cloudflareErrorCodes", lastFailure.cloudflareErrorCodes().toString());
        }
        details.put("lastError", lastFailure.message());

        final String message = "Source " + source.name() + " (" + source.sourceKey() + ") failed "
                + consecutiveFailures + " polls in a row, so no snapshot was written and no change is"
                + " reported for it; last failure: " + lastFailure.message();
        return Alert.newBuilder()
                .setAlertId(alertId(AlertKind.SOURCE_UNHEALTHY, source.sourceKey(), Long.toString(polledAt.toEpochMilli())))
                .setKind(AlertKind.SOURCE_UNHEALTHY)
                .setSeverity(cause == FailureCause.ACCESS_DENIED ? AlertSeverity.CRITICAL : AlertSeverity.WARNING)
                .setSource(source.source())
                .setMessage(message)
                .setAction(action(cause))
                .setSnapshotId(null)
                .setPermissionIds(List.of())
                .setDetails(details)
                .setRaisedAt(polledAt)
                .build();
    }

    /**
     * Builds the alert for an accepted poll that ends an unhealthy streak.
     *
     * @param failuresBefore failed polls in the streak that just ended
     */
    public static Alert recovered(final SourceConfig source, final String snapshotId, final int failuresBefore,
                                  final Instant raisedAt) {
        return Alert.newBuilder()
                .setAlertId(alertId(AlertKind.SOURCE_RECOVERED, source.sourceKey(), snapshotId))
                .setKind(AlertKind.SOURCE_RECOVERED)
                .setSeverity(AlertSeverity.INFO)
                .setSource(source.source())
                .setMessage("Source " + source.name() + " (" + source.sourceKey() + ") polled successfully after "
                        + failuresBefore + " failed polls in a row; snapshot " + snapshotId + " was written")
                .setAction("None: changes since the last accepted snapshot are reported from this snapshot on")
                .setSnapshotId(snapshotId)
                .setPermissionIds(List.of())
                .setDetails(Map.of("failuresBefore", Integer.toString(failuresBefore)))
                .setRaisedAt(raisedAt)
                .build();
    }

    /** Returns what the operator should do about a cause. */
    static String action(final FailureCause cause) {
        return switch (cause) {
            case ACCESS_DENIED -> "The API token lost access to the permission-groups list: grant it the"
                    + " permission to read API tokens' permission groups (for an account source, on that account),"
                    + " or replace the token";
            case CLOUDFLARE_RATE_LIMIT -> "Cloudflare rate-limited the token's user: the budget of 1,200 requests"
                    + " per 5 minutes is shared with the dashboard and every other API client of the user, so lower"
                    + " their request rate or lengthen the poll interval";
            case LOCAL_REQUEST_BUDGET -> "The poller spent its own share of the user's request budget: lengthen"
                    + " the poll intervals or poll fewer sources with this token, or raise permwatch.rate.limit.share"
                    + " if the user's other clients leave room";
            case SERVER_OR_NETWORK -> "Cloudflare or the network to it is failing: check the Cloudflare status page"
                    + " and the poller's network, DNS and proxy; polling resumes by itself";
            case TLS -> "The TLS handshake failed: check the system clock, any proxy that intercepts TLS, and the"
                    + " JVM trust store; certificate checks cannot be turned off";
            case INVALID_RESPONSE -> "Cloudflare returned responses that are not a complete permission-group"
                    + " list: check permwatch.cloudflare.base.url and the last error; raise"
                    + " permwatch.http.max.body.bytes only if the list really grew";
            case UNEXPECTED_STATUS -> "Check permwatch.cloudflare.base.url and the account id of the source;"
                    + " the last error names the HTTP status";
            case PUBLISH -> "Kafka did not acknowledge the records: check the brokers, bootstrap.servers and the"
                    + " producer credentials";
            case OTHER -> "Read the poller log for this source; it contains the error and its stack trace";
        };
    }

    private static String alertId(final AlertKind kind, final String sourceKey, final String trigger) {
        try {
            final byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((kind.name() + "|" + sourceKey + "|" + trigger).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, ID_LENGTH);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
