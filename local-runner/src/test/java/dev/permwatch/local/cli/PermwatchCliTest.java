package dev.permwatch.local.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PermwatchCliTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "bogus", "--bogus", "local --bogus", "replay", "replay --bogus dir -o out",
        "local --removal-confirmations=two", "soak --polls", "help bogus", "eos-check", "eos-check dir --kills x"})
    void usageErrorExitsWithTwo(final String arguments) {
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = PermwatchCli.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setOut(new PrintWriter(new StringWriter(), true));

        final int exitCode = commandLine.execute(arguments.isEmpty() ? new String[0] : arguments.split(" "));

        assertThat(exitCode).as("exit code of '%s'", arguments).isEqualTo(PermwatchCli.EXIT_USAGE);
        assertThat(err.toString()).as("error output of '%s'", arguments).contains("Usage: permwatch");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "local --help", "eos-check --help", "--version"})
    void helpExitsWithZero(final String arguments) {
        final CommandLine commandLine = PermwatchCli.commandLine();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));

        assertThat(commandLine.execute(arguments.split(" "))).isEqualTo(PermwatchCli.EXIT_OK);
    }

    @Test
    void eosCheckRejectsThreeInstances(@TempDir final Path corpus) {
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = PermwatchCli.commandLine();
        commandLine.setErr(new PrintWriter(err, true));

        final int exitCode = commandLine.execute("eos-check", corpus.toString(), "--instances", "3");

        assertThat(exitCode).isEqualTo(PermwatchCli.EXIT_USAGE);
        assertThat(err.toString()).contains("Invalid instance count 3: expected 1 or 2");
    }
}
