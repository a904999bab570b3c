package dev.permwatch.local.recovery;

import dev.permwatch.avro.ChangeEvent;
import dev.permwatch.avro.ChangeType;
import dev.permwatch.avro.DiffOutcome;
import dev.permwatch.avro.DiffReport;
import dev.permwatch.avro.Snapshot;
import dev.permwatch.local.eos.ChildJvm;
import dev.permwatch.local.kafka.TopicSetup;
import dev.permwatch.local.stack.LocalStack;
import dev.permwatch.poller.PollerMain;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kills the real poller ({@link PollerMain} in its own JVM) with SIGKILL right after it wrote a
 * changed list, and starts it again. Its first poll after the restart, which Quartz runs at once,
 * fetches the same list again, so the snapshots topic contains that content twice with two snapshot
 * ids. The streams app must turn the second copy into no change except the removal that this
 * second absence confirms. The restarted poller gets SIGTERM while that poll waits for its
 * response, and must still write the snapshot before it exits.
 *
 * <p>Series served: list A (three groups), then list B forever. A to B renames one group,
 * changes the scopes of another, adds one and drops one.
 */
class PollerCrashRestartTest {

    private static final String RENAMED_ID = "b33f02c6f7284e05a6f20741c0bb0567";
    private static final String UPDATED_ID = "9a8b7c6d5e4f40312a1b0c9d8e7f6a5b";
    private static final String REMOVED_ID = "7f6e5d4c3b2a41098f7e6d5c4b3a2918";
    private static final String ADDED_ID = "6e5d4c3b2a1f40987e6d5c4b3a291807";
    /** Response delay of the poll after the restart, well below the poller's 10 s stop grace. */
    private static final Duration REPOLL_DELAY = Duration.ofSeconds(3);
    /** Exit code of a JVM that ran its shutdown hooks after SIGTERM: 128 + 15. */
    private static final int TERMINATED_EXIT_CODE = 143;

    @TempDir
    Path dir;

    private LocalStack stack;
    private MockWebServer api;
    private final AtomicInteger listRequests = new AtomicInteger();
    private final CountDownLatch repollRequested = new CountDownLatch(1);

    @BeforeEach
    void startStackAndApi() throws IOException {
        // With the default shrink guard, one group absent out of three is held. A maximum share
        // of 0.5 lets the two-snapshot removal confirmation run unheld.
        stack = LocalStack.start(dir.resolve("data"), "permwatch-poller-crash", false, Map.of(
                "permwatch.removal.confirmations", "2",
                "permwatch.shrink-guard.max-share", "0.5"));

        final String listA = resource("e2e/01-baseline.json");
        final String listB = resource("e2e/02-changed.json");
        api = new MockWebServer();
        api.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(final RecordedRequest request) {
                if (!"/client/v4/user/tokens/permission_groups".equals(request.getPath())) {
                    return new MockResponse().setResponseCode(404);
                }
                final int index = listRequests.getAndIncrement();
                final MockResponse response = new MockResponse().setResponseCode(200)
                        .setHeader("Content-Type", "application/json; charset=utf-8")
                        .setBody(index == 0 ? listA : listB);
                if (index == 2) {
                    // The poll after the restart stays in flight long enough to be stopped mid-poll.
                    repollRequested.countDown();
                    response.setHeadersDelay(REPOLL_DELAY.toMillis(), TimeUnit.MILLISECONDS);
                }
                return response;
            }
        });
        api.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stopStackAndApi() throws IOException {
        if (api != null) {
            api.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void killedPollerRepollsWithoutDuplicateEvents() throws IOException, InterruptedException {
        final Path config = writePollerConfig();
        final Path log = dir.resolve("poller.log");

        try (ChildJvm first = startPoller(config, log)) {
            await("snapshots of list A and list B").atMost(Duration.ofSeconds(40))
                    .until(() -> snapshots().size() >= 2);
            assertThat(first.kill()).isEqualTo(ChildJvm.KILLED_EXIT_CODE);
        }
        final List<Snapshot> beforeRestart = snapshots();
        assertThat(beforeRestart).as("snapshots written before the kill").hasSize(2);

        // SIGTERM while the first poll after the restart waits for its response: the shutdown hook
        // lets the poll finish and write its snapshot before the JVM exits.
        try (ChildJvm second = startPoller(config, log)) {
            assertThat(repollRequested.await(30, TimeUnit.SECONDS)).as("poll after the restart requested").isTrue();
            assertThat(second.stop(Duration.ofSeconds(30))).isEqualTo(TERMINATED_EXIT_CODE);
        }
        final List<Snapshot> snapshots = snapshots();
        assertThat(snapshots).as("snapshots after the restart").hasSize(3);
        final Snapshot listA = snapshots.get(0);
        final Snapshot listB = snapshots.get(1);
        final Snapshot listBAgain = snapshots.get(2);
        assertThat(listBAgain.getContentHash()).isEqualTo(listB.getContentHash());
        assertThat(listBAgain.getFetchedAt()).isAfter(listB.getFetchedAt());
        assertThat(listBAgain.getSnapshotId()).isNotEqualTo(listB.getSnapshotId());

        await("one diff report per snapshot").atMost(Duration.ofSeconds(30))
                .until(() -> diffReports().size() >= 3);
        final List<DiffReport> reports = diffReports();
        assertThat(reports).hasSize(3);
        assertThat(reports).extracting(DiffReport::getSnapshotId)
                .containsExactly(listA.getSnapshotId(), listB.getSnapshotId(), listBAgain.getSnapshotId());
        assertThat(reports.get(0).getOutcome()).isEqualTo(DiffOutcome.BASELINE);
        final DiffReport changed = reports.get(1);
        assertThat(changed.getOutcome()).isEqualTo(DiffOutcome.DIFFED);
        assertThat(changed.getAdded()).isEqualTo(1);
        assertThat(changed.getRenamed()).isEqualTo(1);
        assertThat(changed.getUpdated()).isEqualTo(1);
        assertThat(changed.getRemoved()).as("removals at the first absence").isZero();
        final DiffReport repolled = reports.get(2);
        assertThat(repolled.getOutcome()).isEqualTo(DiffOutcome.DIFFED);
        assertThat(repolled.getAdded()).isZero();
        assertThat(repolled.getRenamed()).isZero();
        assertThat(repolled.getUpdated()).isZero();
        assertThat(repolled.getRemoved()).as("removal confirmed at the second absence").isEqualTo(1);

        final List<ChangeEvent> events = CommittedRecords.values(stack.bootstrapServers(), stack.serdeConfig(),
                TopicSetup.DEFAULT_CHANGES_TOPIC);
        assertThat(events).extracting(event -> event.getType() + " " + event.getPermissionId())
                .containsExactlyInAnyOrder(
                        "RENAMED " + RENAMED_ID,
                        "UPDATED " + UPDATED_ID,
                        "ADDED " + ADDED_ID,
                        "REMOVED " + REMOVED_ID);
        assertThat(events).extracting(ChangeEvent::getEventId).doesNotHaveDuplicates();
        assertThat(events).filteredOn(event -> event.getType() != ChangeType.REMOVED)
                .extracting(ChangeEvent::getSnapshotId).containsOnly(listB.getSnapshotId());
        final ChangeEvent removed = events.stream()
                .filter(event -> event.getType() == ChangeType.REMOVED).findFirst().orElseThrow();
        assertThat(removed.getSnapshotId()).isEqualTo(listBAgain.getSnapshotId());
        assertThat(removed.getPreviousSnapshotId()).isEqualTo(listB.getSnapshotId());
        assertThat(listRequests.get()).as("list requests: A, B, and B after the restart").isEqualTo(3);
    }

    private ChildJvm startPoller(final Path config, final Path log) {
        return ChildJvm.start("poller", PollerMain.class.getName(), List.of(config.toString()), Map.of(), 128, log);
    }

    private Path writePollerConfig() throws IOException {
        final Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "poller-crash-test-token");

        final Properties props = new Properties();
        props.put("permwatch.cloudflare.base.url", "http://127.0.0.1:" + api.getPort() + "/client/v4");
        props.put("permwatch.cloudflare.token.file", tokenFile.toString());
        props.put("permwatch.sources", "user");
        props.put("permwatch.ops.port", "0");
        props.put("permwatch.ops.bind.address", "127.0.0.1");
        props.put("permwatch.source.user.endpoint", "user");
        // The poller's minimum interval. Each start polls at once, so the series needs one interval.
        props.put("permwatch.source.user.interval", "PT10S");
        props.put("bootstrap.servers", stack.bootstrapServers());
        props.putAll(stack.serdeConfig());
        final Path file = dir.resolve("poller.properties");
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(writer, "poller of the crash and restart test");
        }
        return file;
    }

    private List<Snapshot> snapshots() {
        return CommittedRecords.values(stack.bootstrapServers(), stack.serdeConfig(),
                TopicSetup.DEFAULT_SNAPSHOTS_TOPIC);
    }

    private List<DiffReport> diffReports() {
        return CommittedRecords.values(stack.bootstrapServers(), stack.serdeConfig(),
                TopicSetup.DEFAULT_DIFF_REPORTS_TOPIC);
    }

    private static String resource(final String name) throws IOException {
        try (InputStream in = PollerCrashRestartTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
