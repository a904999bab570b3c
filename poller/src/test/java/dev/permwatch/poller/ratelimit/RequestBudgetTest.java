package dev.permwatch.poller.ratelimit;

import dev.permwatch.poller.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestBudgetTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-22T10:00:00Z"));

    @Test
    void defaultShareAdmits120PerWindow() {
        final RequestBudget budget = new RequestBudget(1200, 0.1, Duration.ofMinutes(5), clock);

        int admitted = 0;
        for (int i = 0; i < 200; i++) {
            if (budget.tryAcquire()) {
                admitted++;
            }
        }

        assertThat(budget.capacity()).isEqualTo(120);
        assertThat(admitted).isEqualTo(120);
        assertThat(budget.timeUntilAvailable()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void windowSlides() {
        final RequestBudget budget = new RequestBudget(20, 0.1, Duration.ofSeconds(60), clock);

        assertThat(budget.tryAcquire()).isTrue();
        clock.advance(Duration.ofSeconds(30));
        assertThat(budget.tryAcquire()).isTrue();
        assertThat(budget.tryAcquire()).isFalse();

        clock.advance(Duration.ofSeconds(30));
        assertThat(budget.tryAcquire()).isTrue();
        assertThat(budget.tryAcquire()).isFalse();
        assertThat(budget.timeUntilAvailable()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void parkBlocksUntilItEnds() {
        final RequestBudget budget = new RequestBudget(1200, 0.1, Duration.ofMinutes(5), clock);

        budget.park(Duration.ofSeconds(120));
        budget.park(Duration.ofSeconds(10));

        assertThat(budget.tryAcquire()).isFalse();
        assertThat(budget.parkedUntil()).contains(Instant.parse("2026-01-22T10:02:00Z"));
        assertThat(budget.timeUntilAvailable()).isEqualTo(Duration.ofSeconds(120));

        clock.advance(Duration.ofSeconds(120));

        assertThat(budget.parkedUntil()).isEmpty();
        assertThat(budget.tryAcquire()).isTrue();
    }

    @Test
    void tinyShareStillAdmitsOne() {
        final RequestBudget budget = new RequestBudget(5, 0.01, Duration.ofMinutes(5), clock);

        assertThat(budget.capacity()).isEqualTo(1);
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertThatThrownBy(() -> new RequestBudget(0, 0.1, Duration.ofMinutes(5), clock))
                .hasMessageContaining("requestsPerWindow must be at least 1, was 0");
        assertThatThrownBy(() -> new RequestBudget(1200, 1.5, Duration.ofMinutes(5), clock))
                .hasMessageContaining("share must be in (0, 1], was 1.5");
        assertThatThrownBy(() -> new RequestBudget(1200, 0.1, Duration.ZERO, clock))
                .hasMessageContaining("window must be positive");
    }
}
