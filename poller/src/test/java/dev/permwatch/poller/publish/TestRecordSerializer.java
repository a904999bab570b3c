package dev.permwatch.poller.publish;

import dev.permwatch.avro.Snapshot;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Plain Avro binary encoding of a snapshot, without the Confluent wire-format header, for tests
 * that use {@code MockProducer} and need no Schema Registry.
 */
public final class TestSnapshotSerializer implements Serializer<Snapshot> {

    @Override
    public byte[] serialize(final String topic, final Snapshot snapshot) {
        try {
            final ByteBuffer buffer = snapshot.toByteBuffer();
            final byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (final IOException e) {
            throw new SerializationException("Cannot encode snapshot " + snapshot.getSnapshotId(), e);
        }
    }
}
