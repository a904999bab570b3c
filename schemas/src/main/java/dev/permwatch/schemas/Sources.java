package dev.permwatch.schemas;

import dev.permwatch.avro.Source;
import dev.permwatch.avro.SourceKind;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Builds sources and the string keys that identify them on every topic.
 *
 * <p>A source key is {@code user} or {@code account:<accountId>}. A group key, used on the
 * changes and catalog topics, is {@code <sourceKey>/<permissionId>}. Both are stable, so
 * records of one source or one group always land in the same partition.
 */
public final class Sources {

    /** Cloudflare account ids are 32 lowercase hex characters. */
    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9a-f]{32}");

    private static final String USER_KEY = "user";
    private static final String ACCOUNT_PREFIX = "account:";

    private Sources() {
    }

    /** Returns the user-level source. */
    public static Source user() {
        return new Source(SourceKind.USER, null);
    }

    /**
     * Returns the account-level source of one account.
     *
     * @throws IllegalArgumentException if {@code accountId} is not 32 lowercase hex characters
     */
    public static Source account(final String accountId) {
        if (accountId == null || !ACCOUNT_ID.matcher(accountId).matches()) {
            throw new IllegalArgumentException("Invalid Cloudflare account id '" + accountId
                    + "': expected 32 lowercase hex characters, as shown in the dashboard URL");
        }
        return new Source(SourceKind.ACCOUNT, accountId);
    }

    /** Returns the key of a source: {@code user} or {@code account:<accountId>}. Never null. */
    public static String key(final Source source) {
        Objects.requireNonNull(source, "source");
        if (source.getKind() == SourceKind.USER) {
            return USER_KEY;
        }
        return ACCOUNT_PREFIX + source.getAccountId();
    }

    /**
     * Parses a source key written by {@link #key(Source)}.
     *
     * @throws IllegalArgumentException if the key is neither {@code user} nor {@code account:<id>}
     */
    public static Source fromKey(final String key) {
        if (USER_KEY.equals(key)) {
            return user();
        }
        if (key != null && key.startsWith(ACCOUNT_PREFIX)) {
            return account(key.substring(ACCOUNT_PREFIX.length()));
        }
        throw new IllegalArgumentException("Invalid source key '" + key
                + "': expected 'user' or 'account:<32 hex account id>'");
    }

    /** Returns the key of one permission group of one source: {@code <sourceKey>/<permissionId>}. */
    public static String groupKey(final Source source, final String permissionId) {
        return key(source) + "/" + Objects.requireNonNull(permissionId, "permissionId");
    }
}
