package dev.permwatch.local.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Plays the recorded lists with faults of every kind through the real poller, embedded Kafka and
 * the real streams app, and checks that the faulty series yields exactly the events of the clean one.
 */
class FaultInjectionSoakTest {

    @TempDir
    Path workDir;

    @Test
    void faultySeriesYieldsCleanEvents() {
        final Path corpus = corpusDir();
        assumeTrue(Files.isDirectory(corpus), "Recorded corpus not found at " + corpus
                + "; the fault-injection test needs the folder cloudflare-permission-groups next to the repository");
        final ByteArrayOutputStream progress = new ByteArrayOutputStream();

        final SoakResult result = new FaultInjectionSoak(
                new FaultInjectionSoak.Settings(corpus, workDir, 320, 0.35, 42, 6),
                new PrintStream(progress, true, StandardCharsets.UTF_8)).run();

        assertThat(result.polls()).isEqualTo(320);
        assertThat(result.faults()).as("polls with a fault").isGreaterThanOrEqualTo(96);
        assertThat(result.faultsByKind().keySet()).as("fault kinds injected")
                .containsExactlyInAnyOrderElementsOf(EnumSet.allOf(FaultKind.class));
        assertThat(result.transientFaults()).as("faults a retry got past").isPositive();
        assertThat(result.failedPolls()).as("failed polls").isPositive();
        assertThat(result.acceptedClean()).as("every clean poll accepted").isEqualTo(320);
        assertThat(result.acceptedFaulty()).isEqualTo(320 - result.failedPolls());
        assertThat(result.eventsClean()).as("events of the clean series").isPositive();
        assertThat(result.firstDifference()).isNull();
        assertThat(result.eventsFaulty()).isEqualTo(result.eventsClean());
        assertThat(result.equal()).isTrue();
        assertThat(result.alertsClean()).as("alerts of the clean series").doesNotContainKey("SOURCE_UNHEALTHY");
        assertThat(result.alertsFaulty()).as("partial lists held by the shrink guard")
                .containsKey("HELD_REMOVALS_DISCARDED");
    }

    private static Path corpusDir() {
        // Surefire runs in the module folder; the corpus sits next to the repository root.
        return Path.of("").toAbsolutePath().getParent().getParent()
                .resolve("shared").resolve("corpus").resolve("cloudflare-permission-groups");
    }
}
