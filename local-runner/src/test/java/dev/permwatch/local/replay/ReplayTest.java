package dev.permwatch.local.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.permwatch.avro.ChangeType;
import dev.permwatch.local.cli.PermwatchCli;
import dev.permwatch.local.stack.RemovalSettings;
import dev.permwatch.schemas.Sources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Replays through the real poller validation, embedded Kafka and the real streams app. */
class ReplayTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** "API Tokens Write", in the lists of 001 to 003 and absent from 004 and 005. */
    private static final String API_TOKENS_WRITE_ID = "686d18d5ac6c441c867cbf6771e58a0a";

    @TempDir
    Path tempDir;

    @Test
    void recordedCorpusYieldsExpectedEvents() throws Exception {
        final Path corpus = corpusDir();
        assumeTrue(Files.isDirectory(corpus), "Recorded corpus not found at " + corpus
                + "; the corpus replay test needs the folder cloudflare-permission-groups next to the repository");
        final Path output = tempDir.resolve("events.jsonl");

        final int exitCode = PermwatchCli.commandLine()
                .execute("replay", corpus.toString(), "--output", output.toString());

        assertThat(exitCode).isZero();
        final List<JsonNode> events = readEvents(output);
        assertThat(eventsAt(events, "2020-12-18")).as("events for 001 and 002 (same list, other order)").isEmpty();

        final List<JsonNode> for003 = eventsAt(events, "2021-06-09");
        assertThat(ofType(for003, ChangeType.ADDED)).as("ADDED for 003").hasSize(2);

        final List<JsonNode> for005 = eventsAt(events, "2026-01-22");
        final List<JsonNode> renamed = ofType(for005, ChangeType.RENAMED);
        assertThat(renamed).as("RENAMED for 005").hasSize(15);
        final JsonNode tunnel = renamed.stream()
                .filter(event -> event.get("permissionId").asText().equals("efea2ab8357b47888938f101ae5e053f"))
                .findFirst().orElseThrow(() -> new AssertionError("no RENAMED event for efea2ab8357b47888938f101ae5e053f"));
        assertThat(tunnel.get("before").get("name").asText()).isEqualTo("Argo Tunnel Read");
        assertThat(tunnel.get("after").get("name").asText()).isEqualTo("Cloudflare Tunnel Read");
        assertThat(tunnel.get("changedFields").toString()).contains("\"name\"");

        // With the default of two confirmations, a group is removed only by the second accepted
        // snapshot it is absent from. "API Tokens Write" is absent from 004 and 005, so 005 removes
        // it. The five groups first absent from 005 have no later snapshot, so they stay pending.
        assertThat(ofType(eventsAt(events, "2023-06-27"), ChangeType.REMOVED)).as("REMOVED for 004").isEmpty();
        final List<JsonNode> removedBy005 = ofType(for005, ChangeType.REMOVED);
        assertThat(removedBy005).as("REMOVED for 005").hasSize(1);
        assertThat(removedBy005.get(0).get("permissionId").asText()).isEqualTo(API_TOKENS_WRITE_ID);

        for (final String date : List.of("2020-12-18", "2021-06-09", "2023-06-27", "2026-01-22")) {
            final List<JsonNode> inSnapshot = eventsAt(events, date);
            final Set<String> removedNames = names(ofType(inSnapshot, ChangeType.REMOVED), "before");
            final Set<String> addedNames = names(ofType(inSnapshot, ChangeType.ADDED), "after");
            removedNames.retainAll(addedNames);
            assertThat(removedNames).as("names both REMOVED and ADDED in the snapshot of " + date).isEmpty();
        }
        for (final JsonNode event : events) {
            assertThat(event.get("source").asText()).isEqualTo("user");
            assertThat(event.get("baseline").asBoolean()).isFalse();
        }
    }

    @Test
    void oneConfirmationRemovesAtFirstAbsence() throws Exception {
        final Path corpus = corpusDir();
        assumeTrue(Files.isDirectory(corpus), "Recorded corpus not found at " + corpus
                + "; the corpus replay test needs the folder cloudflare-permission-groups next to the repository");
        final Path output = tempDir.resolve("events.jsonl");

        final int exitCode = PermwatchCli.commandLine()
                .execute("replay", corpus.toString(), "--output", output.toString(), "--removal-confirmations", "1");

        assertThat(exitCode).isZero();
        final List<JsonNode> events = readEvents(output);
        final List<JsonNode> removedBy004 = ofType(eventsAt(events, "2023-06-27"), ChangeType.REMOVED);
        assertThat(removedBy004).as("REMOVED for 004").hasSize(1);
        assertThat(removedBy004.get(0).get("permissionId").asText()).isEqualTo(API_TOKENS_WRITE_ID);
        assertThat(ofType(eventsAt(events, "2026-01-22"), ChangeType.REMOVED)).as("REMOVED for 005").hasSize(5);
        assertThat(ofType(events, ChangeType.REMOVED)).as("REMOVED in all").hasSize(6);
    }

    @Test
    void rejectedFileIsReportedAndSkipped() throws Exception {
        final Path input = resourceDir("replay-with-rejected");
        final Path output = tempDir.resolve("events.jsonl");
        final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        final String accountId = "0123456789abcdef0123456789abcdef";
        Files.writeString(output, "earlier output\n", StandardCharsets.UTF_8);

        // The group removed in the last file is absent from one snapshot only, so one confirmation,
        // and it is one of three groups, so a shrink guard that allows removing all of them at once.
        final ReplayOptions options = new ReplayOptions(input, output, Sources.account(accountId), false,
                new RemovalSettings(1, 1.0, null));
        final ReplaySummary summary = new Replay(options, tempDir.resolve("work"), err).run();

        final String errText = errBytes.toString(StandardCharsets.UTF_8);
        assertThat(errText).contains("2021-01-02-unauthorized.json").contains("9109");
        assertThat(summary.files()).isEqualTo(3);
        assertThat(summary.accepted()).isEqualTo(2);
        assertThat(summary.rejected()).extracting(ReplaySummary.RejectedFile::name)
                .containsExactly("2021-01-02-unauthorized.json");

        assertThat(temporaryFiles()).as("temporary output files left").isEmpty();
        final List<JsonNode> events = readEvents(output);
        assertThat(events).extracting(event -> event.get("type").asText() + " " + event.get("permissionId").asText())
                .containsExactlyInAnyOrder(
                        "RENAMED 1b2c3d4e5f6a41829304b5c6d7e8f9a0",
                        "REMOVED 2c3d4e5f6a7b4293a415c6d7e8f9a0b1",
                        "ADDED 3d4e5f6a7b8c43a4b526d7e8f9a0b1c2");
        for (final JsonNode event : events) {
            assertThat(event.get("snapshotAt").asText()).isEqualTo("2021-01-03T00:00:00Z");
            assertThat(event.get("source").asText()).isEqualTo("account:" + accountId);
            assertThat(event.get("previousSnapshotId").isNull()).isFalse();
        }
        final JsonNode renamed = events.stream().filter(event -> event.get("type").asText().equals("RENAMED"))
                .findFirst().orElseThrow();
        assertThat(renamed.get("changedFields").toString()).isEqualTo("[\"name\"]");
        assertThat(renamed.get("before").get("name").asText()).isEqualTo("Tunnel Read");
        assertThat(renamed.get("after").get("scopes").toString()).isEqualTo("[\"com.cloudflare.api.account\"]");
        assertThat(summary.eventsByType().get(ChangeType.UPDATED)).isZero();
    }

    @Test
    void skippedEntriesAndLinksAreReported() throws Exception {
        final Path input = Files.createDirectory(tempDir.resolve("input"));
        writeGroupList(input.resolve("2021-01-01.json"), 0);
        final Path recorded = tempDir.resolve("recorded-2021-01-02.json");
        writeGroupList(recorded, 1);
        Files.createSymbolicLink(input.resolve("2021-01-02.json"), recorded);
        Files.createSymbolicLink(input.resolve("2021-01-03.json"), tempDir.resolve("missing.json"));
        Files.createDirectory(input.resolve("2021-01-04"));
        final Path output = tempDir.resolve("events.jsonl");
        final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

        final ReplaySummary summary = new Replay(new ReplayOptions(input, output, Sources.user(), false),
                tempDir.resolve("work"), err).run();

        assertThat(summary.files()).isEqualTo(2);
        assertThat(summary.accepted()).isEqualTo(2);
        assertThat(summary.links()).containsExactly("2021-01-02.json");
        assertThat(summary.skipped()).containsExactly(
                new FolderListing.SkippedEntry("2021-01-03.json", "a symbolic link whose target is missing"),
                new FolderListing.SkippedEntry("2021-01-04", "a folder"));
        assertThat(summary.describe()).contains("files=2 links=1 skipped=2");
        final String errText = errBytes.toString(StandardCharsets.UTF_8);
        assertThat(errText).contains("skipped 2021-01-03.json: a symbolic link whose target is missing");
        assertThat(errText).contains("skipped 2021-01-04: a folder");
        assertThat(readEvents(output)).extracting(event -> event.get("type").asText()).containsExactly("RENAMED");
    }

    @Test
    void pendingRemovalIsReported() throws Exception {
        final Path input = removalFixture();
        final Path output = tempDir.resolve("events.jsonl");
        // Two confirmations and a shrink guard that allows any share, so the one absence is pending.
        final ReplayOptions options = new ReplayOptions(input, output, Sources.user(), false,
                new RemovalSettings(2, 1.0, null));

        final ReplaySummary summary = new Replay(options, tempDir.resolve("work"), System.err).run();

        assertThat(summary.removals().pending()).isEqualTo(1);
        assertThat(summary.removals().held()).isZero();
        assertThat(summary.removals().describe()).containsExactly("pending removals: 1 groups missing from the last"
                + " file(s) but not yet confirmed; replay more recordings or pass --removal-confirmations 1");
        assertThat(ofType(readEvents(output), ChangeType.REMOVED)).isEmpty();
    }

    @Test
    void heldRemovalIsReportedWithSnapshot() throws Exception {
        final Path input = removalFixture();
        final Path output = tempDir.resolve("events.jsonl");
        // One absent group of four is a share of 0.25, over the guard's 0.1, so its removal is held.
        final ReplayOptions options = new ReplayOptions(input, output, Sources.user(), false,
                new RemovalSettings(1, 0.1, null));

        final ReplaySummary summary = new Replay(options, tempDir.resolve("work"), System.err).run();

        assertThat(summary.removals().held()).isEqualTo(1);
        assertThat(summary.removals().pending()).isZero();
        assertThat(summary.removals().heldSince()).matches("[0-9a-f]{32}");
        assertThat(summary.removals().describe()).containsExactly("held removals: 1 groups held by the shrink guard"
                + " since snapshot " + summary.removals().heldSince());
    }

    @Test
    void confirmedRemovalLeavesNothingPending() throws Exception {
        final Path input = removalFixture();
        final Path output = tempDir.resolve("events.jsonl");
        final ReplayOptions options = new ReplayOptions(input, output, Sources.user(), false,
                new RemovalSettings(1, 1.0, null));

        final ReplaySummary summary = new Replay(options, tempDir.resolve("work"), System.err).run();

        assertThat(summary.removals().describe()).isEmpty();
        assertThat(ofType(readEvents(output), ChangeType.REMOVED)).hasSize(1);
    }

    @Test
    void failedReplayKeepsEarlierOutput() throws Exception {
        final Path output = tempDir.resolve("events.jsonl");
        Files.writeString(output, "earlier output\n", StandardCharsets.UTF_8);
        // The streams app rejects zero confirmations when it starts, after the output was opened.
        final ReplayOptions options = new ReplayOptions(resourceDir("replay-with-rejected"), output, Sources.user(),
                false, new RemovalSettings(0, null, null));

        final Throwable failure = catchThrowable(() -> new Replay(options, tempDir.resolve("work"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run());

        assertThat(failure).isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.readString(output, StandardCharsets.UTF_8)).isEqualTo("earlier output\n");
        assertThat(temporaryFiles()).as("temporary output files left").isEmpty();
    }

    @Test
    void noAcceptedFileKeepsEarlierOutput() throws Exception {
        final Path input = Files.createDirectory(tempDir.resolve("input"));
        Files.writeString(input.resolve("2021-01-01-not-json.json"), "<html>Bad gateway</html>", StandardCharsets.UTF_8);
        final Path output = tempDir.resolve("events.jsonl");
        Files.writeString(output, "earlier output\n", StandardCharsets.UTF_8);
        final ReplayOptions options = new ReplayOptions(input, output, Sources.user(), false, RemovalSettings.defaults());

        final ReplaySummary summary = new Replay(options, tempDir.resolve("work"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();

        assertThat(summary.accepted()).isZero();
        assertThat(Files.readString(output, StandardCharsets.UTF_8)).isEqualTo("earlier output\n");
        assertThat(temporaryFiles()).as("temporary output files left").isEmpty();
    }

    @Test
    void futureFetchTimeIsRejected() throws Exception {
        final Path input = Files.createDirectory(tempDir.resolve("input"));
        writeGroupList(input.resolve("01-2024-01-01.json"), 0);
        writeGroupList(input.resolve("02-2099-02-01.json"), 1);
        writeGroupList(input.resolve("03-2024-03-01.json"), 2);
        writeGroupList(input.resolve("04-2024-04-01.json"), 3);
        final Path output = tempDir.resolve("events.jsonl");
        final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

        final ReplaySummary summary = new Replay(new ReplayOptions(input, output, Sources.user(), false),
                tempDir.resolve("work"), new PrintStream(errBytes, true, StandardCharsets.UTF_8), clock).run();

        assertThat(summary.rejected()).extracting(ReplaySummary.RejectedFile::name)
                .containsExactly("02-2099-02-01.json");
        final String reason = summary.rejected().get(0).reason();
        assertThat(reason).contains("2099-02-01T00:00:00Z").contains("future").contains("Rename the file");
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).contains("rejected 02-2099-02-01.json");
        assertThat(summary.accepted()).isEqualTo(3);
        assertThat(summary.stale()).isEmpty();
        final List<JsonNode> events = readEvents(output);
        assertThat(events).extracting(event -> event.get("type").asText() + " " + event.get("after").get("name").asText()
                        + " " + event.get("snapshotAt").asText())
                .containsExactlyInAnyOrder(
                        "RENAMED Renamed 1 2024-03-01T00:00:00Z",
                        "RENAMED Renamed 2 2024-03-01T00:00:00Z",
                        "RENAMED Renamed 3 2024-04-01T00:00:00Z");
    }

    @Test
    void staleFileIsNamedWithNewerFile() throws Exception {
        final Path input = Files.createDirectory(tempDir.resolve("input"));
        writeGroupList(input.resolve("01-2024-03-01.json"), 0);
        writeGroupList(input.resolve("02-2024-01-01.json"), 1);
        writeGroupList(input.resolve("03-2024-04-01.json"), 2);
        final Path output = tempDir.resolve("events.jsonl");
        final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

        final ReplaySummary summary = new Replay(new ReplayOptions(input, output, Sources.user(), false),
                tempDir.resolve("work"), new PrintStream(errBytes, true, StandardCharsets.UTF_8)).run();

        assertThat(summary.staleIgnored()).isEqualTo(1);
        final ReplaySummary.StaleFile stale = summary.stale().get(0);
        assertThat(stale.name()).isEqualTo("02-2024-01-01.json");
        assertThat(stale.fetchedAt()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(stale.newerName()).isEqualTo("01-2024-03-01.json");
        assertThat(stale.newerFetchedAt()).isEqualTo(Instant.parse("2024-03-01T00:00:00Z"));
        final String errText = errBytes.toString(StandardCharsets.UTF_8);
        assertThat(errText).contains("stale 02-2024-01-01.json").contains("2024-01-01T00:00:00Z")
                .contains("01-2024-03-01.json").contains("2024-03-01T00:00:00Z");
        assertThat(readEvents(output)).extracting(event -> event.get("after").get("name").asText())
                .containsExactlyInAnyOrder("Renamed 1", "Renamed 2");
    }

    @Test
    void missingFolderExitsWithUsageError() {
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = PermwatchCli.commandLine();
        commandLine.setErr(new PrintWriter(err, true));

        final int exitCode = commandLine.execute("replay", tempDir.resolve("absent").toString(),
                "--output", tempDir.resolve("events.jsonl").toString());

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("Replay folder not found").contains("absent");
    }

    @Test
    void outputInMissingFolderExitsWithUsageError() throws Exception {
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = PermwatchCli.commandLine();
        commandLine.setErr(new PrintWriter(err, true));

        final int exitCode = commandLine.execute("replay", resourceDir("replay-with-rejected").toString(),
                "--output", tempDir.resolve("no-such-folder/events.jsonl").toString());

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("no-such-folder").contains("--output");
    }

    @ParameterizedTest
    @ValueSource(strings = {"01-2024-01-01.json", "events.jsonl", "sub/events.jsonl", "../input/events.jsonl"})
    void outputInsideInputFolderExitsWithUsageError(final String outputName) throws Exception {
        final Path input = Files.createDirectory(tempDir.resolve("input"));
        Files.createDirectory(input.resolve("sub"));
        final Path recorded = input.resolve("01-2024-01-01.json");
        writeGroupList(recorded, 0);
        final byte[] before = Files.readAllBytes(recorded);
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = PermwatchCli.commandLine();
        commandLine.setErr(new PrintWriter(err, true));

        final int exitCode = commandLine.execute("replay", input.toString(),
                "--output", input.resolve(outputName).toString());

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("is inside the replay folder").contains(outputName).contains("--output");
        assertThat(Files.readAllBytes(recorded)).isEqualTo(before);
        try (Stream<Path> entries = Files.walk(input)) {
            assertThat(entries.map(path -> input.relativize(path).toString()).toList())
                    .containsExactlyInAnyOrder("", "sub", "01-2024-01-01.json");
        }
    }

    @Test
    void outputThroughLinkToInputFolderIsRejected() throws Exception {
        final Path input = Files.createDirectory(tempDir.resolve("input"));
        writeGroupList(input.resolve("01-2024-01-01.json"), 0);
        final Path link = Files.createSymbolicLink(tempDir.resolve("link"), input);
        final ReplayOptions options = new ReplayOptions(input, link.resolve("01-2024-01-01.json"), Sources.user(),
                false);

        assertThat(catchThrowable(() -> Replay.rejectOutputInsideInput(options)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is inside the replay folder");
    }

    @Test
    void fileOverDefaultCapIsRejectedUnread() throws Exception {
        final Path input = Files.createDirectory(tempDir.resolve("input"));
        writeGroupList(input.resolve("01-2024-01-01.json"), 0);
        final Path huge = input.resolve("02-2024-02-01.json");
        // A sparse file: 3 GiB long without using that much disk, and far beyond any heap of this test.
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(3L * 1024 * 1024 * 1024);
        }
        final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

        final ReplaySummary summary = new Replay(
                new ReplayOptions(input, tempDir.resolve("events.jsonl"), Sources.user(), false),
                tempDir.resolve("work"), new PrintStream(errBytes, true, StandardCharsets.UTF_8)).run();

        assertThat(summary.accepted()).isEqualTo(1);
        assertThat(summary.rejected()).extracting(ReplaySummary.RejectedFile::name)
                .containsExactly("02-2024-02-01.json");
        assertThat(summary.rejected().get(0).reason()).contains("3221225472 bytes").contains("8388608")
                .contains("--max-file-bytes");
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).contains("rejected 02-2024-02-01.json");
    }

    @Test
    void maxFileBytesOptionRejectsBiggerFile() throws Exception {
        final Path input = Files.createDirectory(tempDir.resolve("input"));
        writeGroupList(input.resolve("01-2024-01-01.json"), 0);
        final long size = Files.size(input.resolve("01-2024-01-01.json"));
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = PermwatchCli.commandLine();
        commandLine.setErr(new PrintWriter(err, true));

        final int exitCode = commandLine.execute("replay", input.toString(),
                "--output", tempDir.resolve("events.jsonl").toString(), "--max-file-bytes", String.valueOf(size - 1));

        assertThat(exitCode).as("exit code when no file passes").isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "268435457"})
    void invalidMaxFileBytesExitsWithUsageError(final String value) throws Exception {
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = PermwatchCli.commandLine();
        commandLine.setErr(new PrintWriter(err, true));

        final int exitCode = commandLine.execute("replay", resourceDir("replay-with-rejected").toString(),
                "--output", tempDir.resolve("events.jsonl").toString(), "--max-file-bytes", value);

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("--max-file-bytes " + value).contains("268435456");
    }

    /**
     * Writes a valid list of four groups in which the first {@code renamed} groups carry the name
     * {@code Renamed <n>} in place of {@code Group <n>}.
     */
    private static void writeGroupList(final Path file, final int renamed) throws IOException {
        final List<String> groups = new ArrayList<>();
        for (int n = 1; n <= 4; n++) {
            final String name = (n <= renamed ? "Renamed " : "Group ") + n;
            groups.add("{\"id\":\"" + "%032x".formatted(n) + "\",\"name\":\"" + name
                    + "\",\"scopes\":[\"com.cloudflare.api.user\"]}");
        }
        Files.writeString(file, "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":["
                + String.join(",", groups) + "]}", StandardCharsets.UTF_8);
    }

    /** Writes a folder of two files: four groups, then the same list without the fourth group. */
    private Path removalFixture() throws IOException {
        final Path input = Files.createDirectory(tempDir.resolve("input"));
        writeGroupList(input.resolve("2021-01-01.json"), 0);
        final String full = Files.readString(input.resolve("2021-01-01.json"), StandardCharsets.UTF_8);
        final String fourth = ",{\"id\":\"" + "%032x".formatted(4) + "\",\"name\":\"Group 4\","
                + "\"scopes\":[\"com.cloudflare.api.user\"]}";
        assertThat(full).contains(fourth);
        Files.writeString(input.resolve("2021-01-02.json"), full.replace(fourth, ""), StandardCharsets.UTF_8);
        return input;
    }

    /** Returns the temporary files a replay writes beside {@code events.jsonl} in the test folder. */
    private List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(tempDir)) {
            return files.filter(file -> file.getFileName().toString().startsWith(".events.jsonl.")).toList();
        }
    }

    private static Path corpusDir() {
        // Surefire runs in the module folder; the corpus sits next to the repository root.
        return Path.of("").toAbsolutePath().getParent().getParent()
                .resolve("shared").resolve("corpus").resolve("cloudflare-permission-groups");
    }

    private static Path resourceDir(final String name) throws URISyntaxException {
        return Path.of(ReplayTest.class.getClassLoader().getResource(name).toURI());
    }

    private static List<JsonNode> readEvents(final Path output) throws Exception {
        final List<JsonNode> events = new ArrayList<>();
        for (final String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
            events.add(MAPPER.readTree(line));
        }
        return events;
    }

    private static List<JsonNode> eventsAt(final List<JsonNode> events, final String date) {
        return events.stream().filter(event -> event.get("snapshotAt").asText().startsWith(date)).toList();
    }

    private static List<JsonNode> ofType(final List<JsonNode> events, final ChangeType type) {
        return events.stream().filter(event -> event.get("type").asText().equals(type.name())).toList();
    }

    private static Set<String> names(final List<JsonNode> events, final String side) {
        final Set<String> names = new HashSet<>();
        events.forEach(event -> names.add(event.get(side).get("name").asText()));
        return names;
    }
}
