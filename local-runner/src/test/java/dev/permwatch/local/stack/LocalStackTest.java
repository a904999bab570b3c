package dev.permwatch.local.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class LocalStackTest {

    @TempDir
    Path dataDir;

    @Test
    void missingSourceTopicFailsStartWithReason() {
        final Throwable failure = catchThrowable(() -> LocalStack.start(dataDir, "permwatch-missing-topic", false,
                Map.of("permwatch.topic.snapshots", "permwatch.no-such-topic")));

        assertThat(failure).isInstanceOf(StartFailedException.class);
        assertThat(failure.getMessage()).startsWith("The streams app failed to start: ");
        assertThat(failure.getMessage()).contains("source topics").contains("permwatch.no-such-topic");
        assertThat(failure.getMessage()).doesNotContain("did not reach RUNNING");

        // The failed start stopped the broker, so the same folder can be used again at once.
        try (LocalStack stack = LocalStack.start(dataDir, "permwatch-after-failure", false)) {
            assertThat(stack.streamsApp().state().isRunningOrRebalancing()).isTrue();
        }
    }
}
