package dev.permwatch.poller.retry;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(30));

    @Test
    void backoffDoublesUpToMax() {
        assertThat(policy.backoff(1, () -> 0.999_999)).isEqualTo(Duration.ofMillis(999));
        assertThat(policy.backoff(2, () -> 0.999_999)).isEqualTo(Duration.ofMillis(1999));
        assertThat(policy.backoff(5, () -> 0.999_999)).isEqualTo(Duration.ofMillis(15_999));
        assertThat(policy.backoff(6, () -> 0.999_999)).isEqualTo(Duration.ofMillis(29_999));
        assertThat(policy.backoff(60, () -> 0.999_999)).isEqualTo(Duration.ofMillis(29_999));
    }

    @Test
    void fullJitterStartsAtZero() {
        assertThat(policy.backoff(3, () -> 0.0)).isEqualTo(Duration.ZERO);
        assertThat(policy.backoff(3, () -> 0.25)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .hasMessageContaining("maxAttempts must be at least 1, was 0");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(5), Duration.ofSeconds(2)))
                .hasMessageContaining("initial=PT5S max=PT2S");
        assertThatThrownBy(() -> policy.backoff(0, () -> 0.5))
                .hasMessageContaining("failedAttempts must be at least 1");
    }
}
