package dev.permwatch.local.cli;

import dev.permwatch.local.stack.StartFailedException;
import dev.permwatch.poller.config.PollerConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code permwatch} command: {@code local} runs the whole pipeline in this
 * JVM, {@code replay} diffs a folder of recorded responses, {@code confirm-removals} confirms
 * removals the shrink guard held, {@code soak} runs the fault-injection soak, and {@code eos-check}
 * checks exactly-once output under hard kills of the streams app. {@code serve-demo} serves the demo
 * series for a poller started separately.
 */
@Command(name = "permwatch",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Tracks changes in Cloudflare's API-token permission groups with Kafka.",
        subcommands = {LocalCommand.class, ReplayCommand.class, ConfirmRemovalsCommand.class, SoakCommand.class,
            EosCheckCommand.class, ServeDemoCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Success.",
            "1:Runtime failure (Kafka, Schema Registry or the streams app failed or timed out).",
            "2:Invalid usage: unknown option, invalid value, missing folder or unwritable output.",
            "3:Replay: no file passed validation, so nothing was diffed.",
            "4:Soak: the change events of the faulty and the clean series differ.",
            "5:Eos-check: the change events or the catalog differ from the expected ones."})
public final class PermwatchCli {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_NOTHING_ACCEPTED = 3;
    static final int EXIT_EVENTS_DIFFER = 4;
    static final int EXIT_NOT_EXACTLY_ONCE = 5;

    public static void main(final String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Returns the configured command line, also used by tests to run commands in-process. */
    public static CommandLine commandLine() {
        final CommandLine commandLine = new CommandLine(new PermwatchCli());
        commandLine.setExecutionExceptionHandler(new ErrorHandler());
        commandLine.setExitCodeExceptionMapper(ErrorHandler::exitCode);
        return commandLine;
    }

    /** Prints the message of a failed command without a stack trace; the log has the details. */
    static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

        @Override
        public int handleExecutionException(final Exception e, final CommandLine commandLine,
                                            final CommandLine.ParseResult parseResult) {
            commandLine.getErr().println("permwatch " + commandLine.getCommandName() + ": " + e.getMessage());
            final int exitCode = exitCode(e);
            // A start failure's message is complete, so its stack trace would only repeat it.
            if (exitCode == EXIT_FAILURE && !(e instanceof StartFailedException)) {
                org.slf4j.LoggerFactory.getLogger(PermwatchCli.class)
                        .error("Command {} failed", commandLine.getCommandName(), e);
            }
            return exitCode;
        }

        /**
         * Maps an exception to the exit code. Picocli also calls this for parse errors, such as an
         * unknown option or a missing subcommand, which are usage errors.
         */
        static int exitCode(final Throwable e) {
            if (e instanceof CommandLine.ParameterException
                    || e instanceof IllegalArgumentException || e instanceof PollerConfigException) {
                return EXIT_USAGE;
            }
            return EXIT_FAILURE;
        }
    }
}
