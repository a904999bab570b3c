package dev.permwatch.local.live;

import dev.permwatch.poller.config.PollerConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Runs {@code permwatch local} in-process against the bundled demo series. */
class LocalModeTest {

    private static final String RENAME_LINE =
            "RENAMED  b33f02c6f7284e05a6f20741c0bb0567  \"Teams Write\" -> \"Zero Trust Write\"  [name]  source=user";

    @TempDir
    Path dataDir;

    @Test
    void demoSeriesContinuesOnSecondRun() {
        // First run: baseline, then the rename of step 2.
        final ByteArrayOutputStream firstOutput = new ByteArrayOutputStream();
        try (LocalMode localMode = new LocalMode(demoOptions(), printStream(firstOutput))) {
            localMode.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> text(firstOutput).contains(RENAME_LINE));
        }
        final String first = text(firstOutput);
        assertThat(first).contains("using the bundled demo series");
        assertThat(first).contains("poll source=user groups=6 changes=0 outcome=BASELINE");
        assertThat(first).contains("poll source=user groups=6 changes=1 outcome=DIFFED");

        // Second run on the same folder: the series goes on with step 3 and no new baseline.
        final ByteArrayOutputStream secondOutput = new ByteArrayOutputStream();
        try (LocalMode localMode = new LocalMode(demoOptions(), printStream(secondOutput))) {
            localMode.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> text(secondOutput).contains("ADDED    "));
        }
        final String second = text(secondOutput);
        assertThat(second).contains("ADDED    2efd5506f9c8494dacb1fa10a3e7d5b6  \"Workers R2 Storage Bucket Item Write\"");
        assertThat(second).contains("poll source=user groups=7 changes=1 outcome=DIFFED");
        assertThat(second).doesNotContain("outcome=BASELINE");
        assertThat(second).doesNotContain("Teams Write");
    }

    @Test
    void accountIdWithoutTokenIsRejected() {
        final LocalModeOptions options = new LocalModeOptions(dataDir, "0123456789abcdef0123456789abcdef", null, Map.of());
        final LocalMode localMode = new LocalMode(options, printStream(new ByteArrayOutputStream()));

        assertThatThrownBy(localMode::start)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CLOUDFLARE_API_TOKEN")
                .hasMessageContaining("--account-id");
    }

    @Test
    void invalidAccountIdIsRejectedBeforeToken() {
        final LocalModeOptions options = new LocalModeOptions(dataDir, "abc", null, Map.of());
        final LocalMode localMode = new LocalMode(options, printStream(new ByteArrayOutputStream()));

        assertThatThrownBy(localMode::start)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'abc'")
                .hasMessageNotContaining("CLOUDFLARE_API_TOKEN");
        assertThat(dataDir.resolve("kafka")).doesNotExist();
    }

    @Test
    void shortIntervalIsRejectedBeforeKafkaStarts() {
        final LocalModeOptions options = new LocalModeOptions(dataDir, null, "5s", Map.of());
        final LocalMode localMode = new LocalMode(options, printStream(new ByteArrayOutputStream()));

        assertThatThrownBy(localMode::start)
                .isInstanceOf(PollerConfigException.class)
                .hasMessageContaining("'5s'")
                .hasMessageContaining("--interval")
                .hasMessageNotContaining("permwatch.source.user.interval");
        assertThat(dataDir.resolve("kafka")).doesNotExist();
    }

    private LocalModeOptions demoOptions() {
        return new LocalModeOptions(dataDir, null, null, Map.of());
    }

    private static PrintStream printStream(final ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static String text(final ByteArrayOutputStream bytes) {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
