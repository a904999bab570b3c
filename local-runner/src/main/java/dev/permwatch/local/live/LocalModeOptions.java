package dev.permwatch.local.live;

import dev.permwatch.local.stack.RemovalSettings;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of {@code permwatch local}.
 *
 * @param dataDir   folder for broker, registry and streams data; reused across runs
 * @param accountId Cloudflare account id whose account-level list is polled too; null for none
 * @param interval  poll interval as the poller accepts it ({@code PT15M}, {@code 15m}, {@code 30s});
 *                  null for the default of the mode (15 minutes live, 10 seconds demo)
 * @param env       environment variables; {@code CLOUDFLARE_API_TOKEN} selects live polling
 * @param removal   removal confirmations and shrink guard of the streams app
 */
public record LocalModeOptions(Path dataDir, String accountId, String interval, Map<String, String> env,
                               RemovalSettings removal) {

    /** Environment variable with the Cloudflare API token, as the poller reads it by default. */
    public static final String TOKEN_ENV = "CLOUDFLARE_API_TOKEN";

    public LocalModeOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        env = Map.copyOf(env);
        Objects.requireNonNull(removal, "removal");
    }

    /** Creates options with the streams app's default removal settings. */
    public LocalModeOptions(final Path dataDir, final String accountId, final String interval,
                            final Map<String, String> env) {
        this(dataDir, accountId, interval, env, RemovalSettings.defaults());
    }

    /** Returns true when a non-blank API token is set, so the live API is polled. */
    public boolean live() {
        final String token = env.get(TOKEN_ENV);
        return token != null && !token.isBlank();
    }
}
