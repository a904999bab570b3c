package dev.permwatch.serde;

/**
 * Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro
 * binary encoding of the value (no container header, no schema).
 */
final class WireFormat {

    static final byte MAGIC_BYTE = 0;
    /** Magic byte plus schema id. */
    static final int HEADER_SIZE = 5;

    private WireFormat() {
    }
}
