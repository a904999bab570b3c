package dev.permwatch.serde;

import dev.permwatch.avro.Snapshot;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.util.ClassSecurityValidator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

/**
 * Main class that {@link AvroTrustedPackagesTest} runs in a fresh JVM without the
 * {@code org.apache.avro.SERIALIZABLE_PACKAGES} property, and prints one result line.
 *
 * <p>Modes: {@code plain} reads a Snapshot with Avro alone (expected to be rejected),
 * {@code serde} reads it through the serde, and {@code late} does so after Avro's class check has
 * already read the property.
 */
public final class TrustedPackagesProbe {

    private TrustedPackagesProbe() {
    }

    public static void main(final String[] args) throws IOException {
        System.out.println("PROPERTY " + System.getProperty(AvroTrustedPackages.PROPERTY));
        switch (args[0]) {
            case "plain" -> readWithAvroAlone();
            case "serde" -> readWithSerde();
            case "late" -> {
                // Initializes ClassSecurityValidator, which reads the property once.
                ClassSecurityValidator.getGlobal();
                readWithSerde();
            }
            default -> throw new IllegalArgumentException("Unknown mode '" + args[0] + "': expected plain, serde or late");
        }
    }

    private static void readWithAvroAlone() throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new SpecificDatumWriter<>(Snapshot.class).write(SampleRecords.snapshot(), encoder);
        try {
            final Snapshot read = new SpecificDatumReader<>(Snapshot.class)
                    .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
            System.out.println("READ " + read.getClass().getName());
        } catch (final SecurityException e) {
            System.out.println("REJECTED " + e.getMessage());
        }
    }

    private static void readWithSerde() {
        final Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://probe",
                AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        try (AvroSerializer<Snapshot> serializer = new AvroSerializer<>();
             AvroDeserializer<Object> deserializer = new AvroDeserializer<>()) {
            serializer.configure(config, false);
            deserializer.configure(config, false);

            final Object read = deserializer.deserialize("snapshots",
                    serializer.serialize("snapshots", SampleRecords.snapshot()));
            System.out.println("READ " + read.getClass().getName() + " EQUAL " + read.equals(SampleRecords.snapshot()));
        }
    }
}
