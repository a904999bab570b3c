package dev.permwatch.local.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ServeDemoCommandTest {

    @TempDir
    Path dataDir;

    @Test
    void missingTokenIsUsageError() {
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = new CommandLine(new ServeDemoCommand(Map.of()));
        commandLine.setExecutionExceptionHandler(new PermwatchCli.ErrorHandler());
        commandLine.setExitCodeExceptionMapper(PermwatchCli.ErrorHandler::exitCode);
        commandLine.setErr(new PrintWriter(err, true));

        final int exitCode = commandLine.execute("--data-dir", dataDir.toString());

        assertThat(exitCode).isEqualTo(PermwatchCli.EXIT_USAGE);
        assertThat(err.toString()).contains("Missing environment variable " + ServeDemoCommand.TOKEN_ENV);
    }

    @Test
    void listedInTopLevelHelp() {
        final StringWriter out = new StringWriter();
        final CommandLine commandLine = PermwatchCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));

        commandLine.execute("--help");

        assertThat(out.toString()).contains("serve-demo");
    }
}
