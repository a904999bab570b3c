package dev.permwatch.poller.publish;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Plain Avro binary encoding of any generated record, without the Confluent wire-format header,
 * for tests that use {@code MockProducer} and need no Schema Registry.
 */
public final class TestRecordSerializer implements Serializer<SpecificRecord> {

    @Override
    public byte[] serialize(final String topic, final SpecificRecord record) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        try {
            new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
        } catch (final IOException e) {
            throw new SerializationException("Cannot encode " + record.getSchema().getName() + " for " + topic, e);
        }
        return bytes.toByteArray();
    }
}
