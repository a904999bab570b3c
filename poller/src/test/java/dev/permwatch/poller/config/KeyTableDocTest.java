package dev.permwatch.poller.config;

import dev.permwatch.config.ConfigHelp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that the poller key table in docs/configuration.md equals the one generated from
 * {@link PollerKeys}. On a difference the generated table is written to
 * target/poller-keys.md, to be pasted between the markers.
 */
class KeyTableDocTest {

    private static final String BEGIN = "<!-- BEGIN poller keys: generated from PollerKeys, checked by KeyTableDocTest -->\n";
    private static final String END = "<!-- END poller keys -->";

    @Test
    void docTableMatchesKeyRegistry() throws IOException {
        final String expected = ConfigHelp.markdownTable(PollerKeys.all());
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "poller-keys.md"), expected, StandardCharsets.UTF_8);

        final String doc = Files.readString(Path.of("..", "docs", "configuration.md"), StandardCharsets.UTF_8);
        final int begin = doc.indexOf(BEGIN);
        final int end = doc.indexOf(END);

        assertThat(begin).as("start marker in docs/configuration.md").isNotNegative();
        assertThat(end).as("end marker in docs/configuration.md").isGreaterThan(begin);
        assertThat(doc.substring(begin + BEGIN.length(), end))
                .as("key table in docs/configuration.md; the generated one is in target/poller-keys.md")
                .isEqualTo(expected);
    }
}
