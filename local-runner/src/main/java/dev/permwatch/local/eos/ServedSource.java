package dev.permwatch.local.eos;

import dev.permwatch.avro.Source;
import dev.permwatch.avro.SourceKind;

import java.util.Objects;
import java.util.function.IntFunction;

/**
 * One source of an exactly-once run: the poller source name, the source it polls and the API
 * response body served at each step.
 *
 * @param name          poller source name ({@code permwatch.sources} entry)
 * @param source        user or account source; at most one user source per run, because both
 *                      would share one API path
 * @param responseBodies response body of step 0, 1, ...; called from the API server's threads
 */
public record ServedSource(String name, Source source, IntFunction<byte[]> responseBodies) {

    public ServedSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(responseBodies, "responseBodies");
    }

    /** Returns the API path the poller requests for this source, below the {@code /client/v4} base. */
    String apiPath() {
        return source.getKind() == SourceKind.USER
                ? "/client/v4/user/tokens/permission_groups"
                : "/client/v4/accounts/" + source.getAccountId() + "/tokens/permission_groups";
    }
}
