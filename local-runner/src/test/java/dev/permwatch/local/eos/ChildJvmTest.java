package dev.permwatch.local.eos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ChildJvmTest {

    @TempDir
    Path dir;

    @Test
    void killSkipsShutdownHooks() throws Exception {
        final Path log = dir.resolve("child.log");
        final Path marker = dir.resolve("hook-ran");
        try (ChildJvm child = ChildJvm.start("sleeper", SleepingMain.class.getName(), List.of(marker.toString()),
                Map.of(), 64, log)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("ready"));

            assertThat(child.kill()).isEqualTo(ChildJvm.KILLED_EXIT_CODE);
            assertThat(child.isAlive()).isFalse();
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void stopRunsShutdownHooks() throws Exception {
        final Path log = dir.resolve("child.log");
        final Path marker = dir.resolve("hook-ran");
        try (ChildJvm child = ChildJvm.start("sleeper", SleepingMain.class.getName(), List.of(marker.toString()),
                Map.of("permwatch.test", "yes"), 64, log)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("ready yes"));

            child.stop(Duration.ofSeconds(30));
        }
        assertThat(marker).exists();
    }

    @Test
    void rejectsTinyHeap() {
        assertThatThrownBy(() -> ChildJvm.start("sleeper", SleepingMain.class.getName(), List.of(), Map.of(), 8,
                dir.resolve("child.log")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8 MiB");
    }

    /** Prints "ready", then sleeps; its shutdown hook writes the marker file named by the first argument. */
    public static final class SleepingMain {

        public static void main(final String[] args) throws Exception {
            final Path marker = Path.of(args[0]);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Files.writeString(marker, "ran");
                } catch (final java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
            System.out.println("ready " + System.getProperty("permwatch.test", ""));
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
