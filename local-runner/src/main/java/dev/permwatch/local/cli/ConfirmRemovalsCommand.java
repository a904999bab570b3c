package dev.permwatch.local.cli;

import dev.permwatch.local.stack.StreamsPropertiesFile;
import dev.permwatch.streams.control.ConfirmHeldRemovals;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code permwatch confirm-removals}: writes a CONFIRM_HELD_REMOVALS command with the streams app's
 * own tool, against a running {@code permwatch local} or a cluster's streams properties file.
 */
@Command(name = "confirm-removals",
        mixinStandardHelpOptions = true,
        description = {
            "Confirms the removals that the shrink guard held for one snapshot, so the streams app emits them as"
                    + " REMOVED change events. Take the source and snapshot id from the REMOVALS_HELD alert.",
            "Without --config it connects to the running './permwatch local' of --data-dir, which writes"
                    + " " + StreamsPropertiesFile.FILE_NAME + " there while it runs."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:The command was written to the control topic.",
            "1:Writing the command failed.",
            "2:Invalid option, or local mode not running."})
final class ConfirmRemovalsCommand implements Callable<Integer> {

    /** Source of the streams settings: exactly one of the two options. */
    static final class Target {
        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Data folder of a running './permwatch local' (default: .permwatch).")
        Path dataDir;

        @Option(names = "--config", paramLabel = "FILE",
                description = "Properties file of the streams app of a cluster (bootstrap.servers, schema.registry.url,"
                        + " permwatch.topic.control).")
        Path config;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    private Target target;

    @Option(names = "--source", paramLabel = "KEY", required = true,
            description = "Source key from the alert: user or account:<32 hex account id>.")
    private String source;

    @Option(names = "--snapshot", paramLabel = "ID", required = true,
            description = "Snapshot id from the REMOVALS_HELD alert (32 hex characters).")
    private String snapshot;

    @Option(names = "--requested-by", paramLabel = "NAME",
            description = "Name recorded in the command and the confirmation alert (default: the OS user).")
    private String requestedBy;

    @Override
    public Integer call() {
        final Path propertiesFile;
        if (target != null && target.config != null) {
            if (!Files.isRegularFile(target.config)) {
                throw new IllegalArgumentException("Streams properties file not found: "
                        + target.config.toAbsolutePath() + ". Pass the streams app's properties file with --config");
            }
            propertiesFile = target.config;
        } else {
            final Path dataDir = target != null && target.dataDir != null ? target.dataDir : Path.of(".permwatch");
            // Throws with the next step when the file is missing or its broker does not accept connections.
            StreamsPropertiesFile.readRunning(dataDir);
            propertiesFile = StreamsPropertiesFile.path(dataDir);
        }

        final List<String> args = new ArrayList<>(List.of(propertiesFile.toString(), "--source", source,
                "--snapshot", snapshot));
        if (requestedBy != null) {
            args.add("--requested-by");
            args.add(requestedBy);
        }
        return ConfirmHeldRemovals.run(args.toArray(String[]::new), System.out, System.err, Clock.systemUTC(),
                ConfirmHeldRemovals::kafkaProducer);
    }
}
