package dev.permwatch.local.demo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoApiServerTest {

    private static final String TOKEN = "demo-token";

    private final HttpClient client = HttpClient.newHttpClient();
    private DemoApiServer server;

    @BeforeEach
    void startServer() {
        server = new DemoApiServer(TOKEN);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void missingBearerTokenGets401AndDoesNotAdvance() throws Exception {
        final HttpResponse<String> response = get(DemoApiServer.PERMISSION_GROUPS_PATH, null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"success\":false").contains("\"code\":10000");
        assertThat(server.servedSteps()).isZero();
    }

    @Test
    void wrongBearerTokenGets401() throws Exception {
        assertThat(get(DemoApiServer.PERMISSION_GROUPS_PATH, "other").statusCode()).isEqualTo(401);
    }

    @Test
    void stepsAdvanceThenLastStepRepeats() throws Exception {
        final String first = get(DemoApiServer.PERMISSION_GROUPS_PATH, TOKEN).body();
        final String second = get(DemoApiServer.PERMISSION_GROUPS_PATH, TOKEN).body();

        assertThat(first).contains("\"Teams Write\"").doesNotContain("Zero Trust Write");
        assertThat(second).contains("\"Zero Trust Write\"").doesNotContain("\"Teams Write\"");

        String last = second;
        for (int i = 2; i < server.stepCount(); i++) {
            last = get(DemoApiServer.PERMISSION_GROUPS_PATH, TOKEN).body();
        }
        final String repeated = get(DemoApiServer.PERMISSION_GROUPS_PATH, TOKEN).body();
        assertThat(repeated).isEqualTo(last);
        assertThat(last).doesNotContain("Memberships Read");
    }

    @Test
    void unknownPathGets404() throws Exception {
        final HttpResponse<String> response =
                get(DemoApiServer.PERMISSION_GROUPS_PATH + "/extra", TOKEN);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(server.servedSteps()).isZero();
    }

    @Test
    void baseUrlIsOnLoopback() {
        assertThat(server.baseUrl()).startsWith("http://127.0.0.1:").endsWith("/client/v4");
    }

    @Test
    void positionFileContinuesSeriesOnNextRun(@TempDir final Path dir) throws Exception {
        final Path positionFile = dir.resolve("demo-position");
        server.close();
        server = new DemoApiServer(TOKEN, positionFile);
        server.start();
        get(DemoApiServer.PERMISSION_GROUPS_PATH, TOKEN);
        server.close();

        server = new DemoApiServer(TOKEN, positionFile);
        server.start();
        final String body = get(DemoApiServer.PERMISSION_GROUPS_PATH, TOKEN).body();

        assertThat(body).contains("\"Zero Trust Write\"");
        assertThat(Files.readString(positionFile).strip()).isEqualTo("2");
    }

    @Test
    void invalidPositionFileIsRejected(@TempDir final Path dir) throws Exception {
        final Path positionFile = Files.writeString(dir.resolve("demo-position"), "two");

        assertThatThrownBy(() -> new DemoApiServer(TOKEN, positionFile))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'two'")
                .hasMessageContaining("Delete the file");
    }

    @Test
    void portOutOfRangeIsRejected() {
        try (DemoApiServer other = new DemoApiServer(TOKEN)) {
            assertThatThrownBy(() -> other.start(65_536))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("65536");
        }
    }

    private HttpResponse<String> get(final String path, final String token) throws Exception {
        final String base = server.baseUrl().substring(0, server.baseUrl().length()
                - DemoApiServer.API_BASE_PATH.length());
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
