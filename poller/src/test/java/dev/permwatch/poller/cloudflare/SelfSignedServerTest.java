package dev.permwatch.poller.cloudflare;

import dev.permwatch.poller.PollFailure;
import dev.permwatch.poller.PollFailure.Reason;
import dev.permwatch.poller.config.PollerConfig;
import dev.permwatch.schemas.Sources;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** An HTTPS server on 127.0.0.1 with a self-signed certificate that names 127.0.0.1. */
class SelfSignedServerTest {

    private static final String TOKEN = "selfSignedTokenSecret0123456789ab";
    private static final char[] STORE_PASSWORD = "test-only".toCharArray();
    private static final String LIST = "{\"success\":true,\"errors\":[],\"messages\":[],\"result\":["
            + "{\"id\":\"c8fed203ed3043cba015a93ad1616f1f\",\"name\":\"Zone Read\"}]}";

    @TempDir
    Path dir;

    private MockWebServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new MockWebServer();
        server.useHttps(selfSignedContext(dir).getSocketFactory(), false);
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterEach
    void stopServer() throws IOException {
        server.shutdown();
    }

    /** Creates a key pair and self-signed certificate with the JDK's keytool, as an operator would. */
    private static SSLContext selfSignedContext(final Path dir) throws IOException, InterruptedException,
            GeneralSecurityException {
        final Path store = dir.resolve("server.p12");
        final Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        final Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "server",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(STORE_PASSWORD)))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("keytool.log").toFile())
                .start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(process.exitValue()).as("keytool exit code, see " + dir.resolve("keytool.log")).isZero();

        final KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, STORE_PASSWORD);
        }
        final KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, STORE_PASSWORD);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    @Test
    void untrustedCertificateFailsWithoutRequest() {
        server.enqueue(new MockResponse().setHeader("Content-Type", "application/json").setBody(LIST));
        final Properties props = new Properties();
        props.setProperty("permwatch.cloudflare.base.url", "https://127.0.0.1:" + server.getPort() + "/client/v4");
        props.setProperty("permwatch.sources", "user");
        props.setProperty("permwatch.source.user.endpoint", "user");
        props.setProperty("permwatch.source.user.interval", "1h");
        props.setProperty("bootstrap.servers", "127.0.0.1:9092");
        final PollerConfig config = PollerConfig.fromProperties(props, Map.of("CLOUDFLARE_API_TOKEN", TOKEN));
        final CloudflareClient client = new CloudflareClient(config.baseUrl(), config.token(), config.connectTimeout(),
                config.requestTimeout(), config.maxBodyBytes(), null, Clock.systemUTC());

        final FetchResult result = client.fetch(Sources.user());

        assertThat(result).isInstanceOf(FetchResult.Failed.class);
        final PollFailure failure = ((FetchResult.Failed) result).failure();
        assertThat(failure.reason()).isEqualTo(Reason.TLS_FAILED);
        assertThat(failure.isRetryable()).isFalse();
        assertThat(failure.message()).contains("127.0.0.1").doesNotContain(TOKEN);
        // The handshake failed, so the request line and its Authorization header never reached the server.
        assertThat(server.getRequestCount()).isZero();
    }
}
