package dev.permwatch.local.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LocalCommandTest {

    @TempDir
    Path tempDir;

    @Test
    void dataDirThatIsFileExitsWithUsageError() throws Exception {
        final Path file = Files.writeString(tempDir.resolve("data"), "not a folder");
        final String logDirBefore = System.getProperty(LogSetup.LOG_DIR_PROPERTY);
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = PermwatchCli.commandLine();
        commandLine.setErr(new PrintWriter(err, true));

        final int exitCode = commandLine.execute("local", "--data-dir", file.toString());

        assertThat(exitCode).isEqualTo(PermwatchCli.EXIT_USAGE);
        assertThat(err.toString()).contains(file.toString()).contains("is a file, not a folder")
                .contains("--data-dir");
        assertThat(System.getProperty(LogSetup.LOG_DIR_PROPERTY)).as("log folder property").isEqualTo(logDirBefore);
        assertThat(Files.readString(file)).isEqualTo("not a folder");
    }
}
