package dev.permwatch.poller;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PollerMainTest {

    private static final Map<String, String> ENV = Map.of("CLOUDFLARE_API_TOKEN", "mainTestToken42");

    private static PollerMain.UsageException usageError(final String[] args) {
        final PollerMain.UsageException error = catchThrowableOfType(PollerMain.UsageException.class,
                () -> PollerMain.loadConfig(args, ENV));
        assertThat(error).as("loadConfig must reject the arguments").isNotNull();
        return error;
    }

    @Test
    void missingArgumentPrintsUsage() {
        final PollerMain.UsageException error = usageError(new String[0]);

        assertThat(error.getMessage()).contains("Missing the properties file").contains("Usage:");
    }

    @Test
    void extraArgumentPrintsUsage() {
        assertThat(usageError(new String[] {"a.properties", "token"}).getMessage())
                .contains("got 2").contains("Usage:").doesNotContain("token\n");
    }

    @Test
    void missingFileIsNamed(@TempDir final Path dir) {
        final Path file = dir.resolve("absent.properties");

        assertThat(usageError(new String[] {file.toString()}).getMessage()).contains(file.toString()).contains("not found");
    }

    @Test
    void invalidConfigNamesFileAndKey(@TempDir final Path dir) throws IOException {
        final Path file = dir.resolve("poller.properties");
        Files.writeString(file, "permwatch.sources=user\npermwatch.source.user.endpoint=user\n"
                + "permwatch.source.user.interval=1h\npermwatch.topic.snapshot=typo\nbootstrap.servers=127.0.0.1:9092\n");

        assertThat(usageError(new String[] {file.toString()}).getMessage())
                .contains(file.toString()).contains("permwatch.topic.snapshot");
    }

    @Test
    void exampleFileIsValid() throws PollerMain.UsageException {
        final Path example = Path.of("poller.properties.example");

        assertThat(PollerMain.loadConfig(new String[] {example.toString()}, ENV).sources()).hasSize(2);
    }
}
