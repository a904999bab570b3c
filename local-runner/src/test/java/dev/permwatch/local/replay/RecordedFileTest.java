package dev.permwatch.local.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordedFileTest {

    @TempDir
    Path dir;

    @Test
    void dateOnlyNameMeansMidnightUtc() {
        assertThat(RecordedFile.timeFromName("003-2021-06-09.json"))
                .contains(Instant.parse("2021-06-09T00:00:00Z"));
    }

    @Test
    void dateTimeNamesAreParsed() {
        assertThat(RecordedFile.timeFromName("list-2021-06-09T10:15:30Z.json"))
                .contains(Instant.parse("2021-06-09T10:15:30Z"));
        assertThat(RecordedFile.timeFromName("list-2021-06-09T10-15.json"))
                .contains(Instant.parse("2021-06-09T10:15:00Z"));
        assertThat(RecordedFile.timeFromName("2021-06-09T10:15:30.25+0200.json"))
                .contains(Instant.parse("2021-06-09T08:15:30.250Z"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "2024-01-02.json                          | 2024-01-02T00:00:00Z",
        "01-2024-01-02.json                       | 2024-01-02T00:00:00Z",
        "a-2024-01-02T10:15.json                  | 2024-01-02T10:15:00Z",
        "a-2024-01-02T10-15.json                  | 2024-01-02T10:15:00Z",
        "a-2024-01-02T10:15:30.json               | 2024-01-02T10:15:30Z",
        "a-2024-01-02T10-15-30.json               | 2024-01-02T10:15:30Z",
        "a-2024-01-02T10:15:30Z.json              | 2024-01-02T10:15:30Z",
        "a-2024-01-02t10:15:30z.json              | 2024-01-02T10:15:30Z",
        "a-2024-01-02T10:15Z.json                 | 2024-01-02T10:15:00Z",
        "a-2024-01-02T10:15:30.5Z.json            | 2024-01-02T10:15:30.500Z",
        "a-2024-01-02T10:15:30,25Z.json           | 2024-01-02T10:15:30.250Z",
        "a-2024-01-02T10-15-30.123456789Z.json    | 2024-01-02T10:15:30.123456789Z",
        "b-2024-01-02T10:15-05:00.json            | 2024-01-02T15:15:00Z",
        "b-2024-01-02T10:15+05:30.json            | 2024-01-02T04:45:00Z",
        "b-2024-01-02T10:15:30-05:00.json         | 2024-01-02T15:15:30Z",
        "b-2024-01-02T10:15:30-05-00.json         | 2024-01-02T15:15:30Z",
        "b-2024-01-02T10:15-0500.json             | 2024-01-02T15:15:00Z",
        "c-2024-01-02T12-00+02-00.json            | 2024-01-02T10:00:00Z",
        "c-2024-01-02T12-00-30-02-00.json         | 2024-01-02T14:00:30Z",
        "c-2024-01-02T12-00-30+0200.json          | 2024-01-02T10:00:30Z",
        "c-2024-01-02T12-00-30.5+02-00.json       | 2024-01-02T10:00:30.500Z",
        "d-2024-01-01T00:30+01:00.json            | 2023-12-31T23:30:00Z",
        "d-2024-01-02T10-15-unauthorized.json     | 2024-01-02T10:15:00Z",
        "d-2024-01-02T10-15_list.json             | 2024-01-02T10:15:00Z"
    })
    void fileNameTimesAreParsed(final String fileName, final String expected) {
        assertThat(RecordedFile.timeFromName(fileName.strip())).contains(Instant.parse(expected.strip()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a-2024-01-02T10:15-05.json", "a-2024-01-02T10-15-05-00.json",
        "a-2024-01-02T10:15:30+02.json", "a-2024-01-02T10-15-300.json"})
    void ambiguousTimeIsRejectedWithFileName(final String fileName) {
        assertThatThrownBy(() -> RecordedFile.timeFromName(fileName))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(fileName)
                .hasMessageContaining("Rename the file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2021-02-30.json", "2021-13-01.json", "a-2024-01-02T24:00.json",
        "a-2024-01-02T10:60.json", "a-2024-01-02T10:15+19:00.json", "a-2024-01-02T10:15+05:60.json"})
    void impossibleDateOrTimeIsRejected(final String fileName) {
        assertThatThrownBy(() -> RecordedFile.timeFromName(fileName))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(fileName)
                .hasMessageContaining("Rename the file");
    }

    @Test
    void firstDateInNameWins() {
        assertThat(RecordedFile.timeFromName("2020-01-01-copy-of-2021-06-09.json"))
                .contains(Instant.parse("2020-01-01T00:00:00Z"));
    }

    @Test
    void nameWithoutDateUsesModificationTime() throws Exception {
        final Path file = Files.writeString(dir.resolve("latest.json"), "{}");
        final Instant modified = Instant.parse("2024-03-01T12:00:00Z");
        Files.setLastModifiedTime(file, FileTime.from(modified));

        final RecordedFile recorded = RecordedFile.of(file);

        assertThat(RecordedFile.timeFromName("latest.json")).isEqualTo(Optional.empty());
        assertThat(recorded.fetchedAt()).isEqualTo(modified);
        assertThat(recorded.timeFromName()).isFalse();
    }

    @Test
    void impossibleDateIsRejectedWithFileName() {
        assertThatThrownBy(() -> RecordedFile.timeFromName("2021-02-30.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2021-02-30.json");
    }

    @Test
    void filesAreListedByNameWithoutHiddenOnes() throws Exception {
        Files.writeString(dir.resolve("b.json"), "{}");
        Files.writeString(dir.resolve("a.json"), "{}");
        Files.writeString(dir.resolve(".hidden"), "{}");
        Files.createDirectory(dir.resolve("c-folder"));

        final List<Path> files = RecordedFile.listFiles(dir);

        assertThat(files).extracting(path -> path.getFileName().toString()).containsExactly("a.json", "b.json");
    }

    @Test
    void missingFolderIsRejected() {
        assertThatThrownBy(() -> RecordedFile.listFiles(dir.resolve("absent")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not found").hasMessageContaining("absent");
    }

    @Test
    void emptyFolderIsRejected() {
        assertThatThrownBy(() -> RecordedFile.listFiles(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void fileInPlaceOfFolderIsRejected() throws Exception {
        final Path file = Files.writeString(dir.resolve("one.json"), "{}");

        assertThatThrownBy(() -> RecordedFile.listFiles(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a folder");
    }

    @Test
    void skippedEntriesAreNamedWithReason() throws Exception {
        Files.writeString(dir.resolve("a.json"), "{}");
        final Path target = Files.writeString(dir.resolve("b.json"), "{}");
        Files.createSymbolicLink(dir.resolve("c-link.json"), target);
        Files.createSymbolicLink(dir.resolve("d-dangling.json"), dir.resolve("gone.json"));
        Files.createDirectory(dir.resolve("e-folder"));
        Files.writeString(dir.resolve(".hidden"), "{}");

        final FolderListing listing = RecordedFile.listFolder(dir);

        assertThat(listing.files()).extracting(path -> path.getFileName().toString())
                .containsExactly("a.json", "b.json", "c-link.json");
        assertThat(listing.links()).containsExactly("c-link.json");
        assertThat(listing.skipped()).containsExactly(
                new FolderListing.SkippedEntry(".hidden", "a hidden file"),
                new FolderListing.SkippedEntry("d-dangling.json", "a symbolic link whose target is missing"),
                new FolderListing.SkippedEntry("e-folder", "a folder"));
    }

    @Test
    void folderOfSkippedEntriesNamesThem() throws Exception {
        Files.createDirectory(dir.resolve("sub"));

        assertThatThrownBy(() -> RecordedFile.listFolder(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty")
                .hasMessageContaining("sub is a folder");
    }
}
