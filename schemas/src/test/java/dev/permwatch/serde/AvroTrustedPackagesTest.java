package dev.permwatch.serde;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@link TrustedPackagesProbe} in a child JVM, because the surefire JVM already has
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES} set and Avro reads it only once.
 */
class AvroTrustedPackagesTest {

    /** Generous bound for starting a JVM on a loaded machine; not a performance assertion. */
    private static final long CHILD_TIMEOUT_SECONDS = 120;

    @Test
    void avroAloneRejectsProjectClasses() throws Exception {
        final List<String> output = runProbe("plain");

        assertThat(output).contains("PROPERTY null");
        assertThat(output).anySatisfy(line -> assertThat(line)
                .startsWith("REJECTED")
                .contains("dev.permwatch.avro"));
    }

    @Test
    void serdeReadsSpecificRecordWithoutProperty() throws Exception {
        final List<String> output = runProbe("serde");

        assertThat(output).contains("PROPERTY null");
        assertThat(output).contains("READ dev.permwatch.avro.Snapshot EQUAL true");
    }

    @Test
    void serdeWorksAfterAvroReadTheProperty() throws Exception {
        final List<String> output = runProbe("late");

        assertThat(output).contains("PROPERTY null");
        assertThat(output).contains("READ dev.permwatch.avro.Snapshot EQUAL true");
    }

    @Test
    void ensureTrustedKeepsExistingPackages() {
        AvroTrustedPackages.ensureTrusted();

        final String packages = System.getProperty(AvroTrustedPackages.PROPERTY);
        assertThat(packages).contains("java.lang");
        assertThat(packages).contains("dev.permwatch");
    }

    private static List<String> runProbe(final String mode) throws IOException, InterruptedException {
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        final Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                TrustedPackagesProbe.class.getName(), mode)
                .redirectErrorStream(true)
                .start();
        final boolean finished = process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished).as("probe JVM finished; output:%n%s", output).isTrue();
        assertThat(process.exitValue()).as("probe JVM exit code; output:%n%s", output).isZero();
        return output.lines().toList();
    }
}
