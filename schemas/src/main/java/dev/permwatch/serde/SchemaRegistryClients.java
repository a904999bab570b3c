package dev.permwatch.serde;

/** Creates the registry client that a serde configuration selects. */
public final class SchemaRegistryClients {

    private SchemaRegistryClients() {
    }

    /**
     * Returns the shared in-memory client of the scope for a {@code mock://<scope>} URL, else a
     * new REST client for the configured URLs.
     */
    public static SchemaRegistryClient fromConfig(final AvroSerdeConfig config) {
        return config.mockScope()
                .<SchemaRegistryClient>map(MockSchemaRegistryClient::forScope)
                .orElseGet(() -> new RestSchemaRegistryClient(config));
    }
}
