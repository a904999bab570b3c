package dev.permwatch.local.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
