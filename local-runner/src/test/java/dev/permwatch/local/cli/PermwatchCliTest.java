package dev.permwatch.local.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--instances 3|Invalid --instances 3: expected 1 or 2",
        "--steps 1|Invalid --steps 1: expected 2 or more",
        "--sources 17|Invalid --sources 17: expected 1 to 16",
        "--kills -1|Invalid --kills -1: expected 0 or more",
        "--steps 5 --kills 3 --state-wipes 1 --broker-restarts 1|Too many faults for 5 steps"})
    void eosCheckRejectsInvalidOptions(final String options, final String message, @TempDir final Path corpus) {
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = PermwatchCli.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        final List<String> arguments = new ArrayList<>(List.of("eos-check", corpus.toString()));
        arguments.addAll(List.of(options.split(" ")));

        final int exitCode = commandLine.execute(arguments.toArray(String[]::new));

        assertThat(exitCode).isEqualTo(PermwatchCli.EXIT_USAGE);
        assertThat(err.toString()).contains(message);
    }

    @Test
    void eosCheckRejectsFileAsFolder(@TempDir final Path dir) throws IOException {
        final Path file = Files.writeString(dir.resolve("list.json"), "{}");
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = PermwatchCli.commandLine();
        commandLine.setErr(new PrintWriter(err, true));

        final int exitCode = commandLine.execute("eos-check", file.toString());

        assertThat(exitCode).isEqualTo(PermwatchCli.EXIT_USAGE);
        assertThat(err.toString()).contains("it is a file, expected the folder");
    }
}
