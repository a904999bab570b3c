package dev.permwatch.local.soak;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTP/1.1 server on 127.0.0.1 that sends, for each request, the reply its
 * {@link Responder} returns for that path, including broken exchanges: a stalled body, a TCP reset
 * or a close before the end of the body. Every response closes its connection.
 *
 * <p>It is a raw socket server because an HTTP server library cannot break an exchange halfway.
 */
public final class FaultyApiServer implements AutoCloseable {

    /** Reply to one request. */
    public sealed interface Reply permits Complete, Broken {
    }

    /**
     * A whole response.
     *
     * @param status  HTTP status code
     * @param headers response headers besides Content-Length and Connection
     * @param body    the body
     */
    public record Complete(int status, Map<String, String> headers, byte[] body) implements Reply {
    }

    /** End of a broken exchange, after the headers and the first half of the body. */
    enum Break {
        /** Waits for {@link Broken#stall()} without sending more, then closes. */
        STALL,
        /** Sends a TCP reset (SO_LINGER 0). */
        RESET,
        /** Closes normally, so the body is shorter than Content-Length. */
        CLOSE
    }

    /**
     * A response that stops halfway through its body.
     *
     * @param response the response as it would have been sent
     * @param ending   how the exchange ends
     * @param stall    wait before closing, for {@link Break#STALL}
     */
    record Broken(Complete response, Break ending, Duration stall) implements Reply {
    }

    /** Chooses the reply to one request. Called on a connection thread. */
    @FunctionalInterface
    public interface Responder {
        Reply reply(String path);
    }

    private static final Logger LOG = LoggerFactory.getLogger(FaultyApiServer.class);

    /** Maximum request head size in bytes; the poller's GET requests are far smaller. */
    private static final int MAX_HEAD_BYTES = 16 * 1024;

    private final ServerSocket serverSocket;
    private final ExecutorService connections = Executors.newCachedThreadPool(runnable -> {
        final Thread thread = new Thread(runnable, "permwatch-soak-api");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<Socket, Boolean> open = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private final Responder responder;
    private volatile boolean closed;

    public FaultyApiServer(final Responder responder) throws IOException {
        this.responder = responder;
        this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "permwatch-soak-api-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Returns the base URL, for example {@code http://127.0.0.1:40123}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + serverSocket.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                final Socket socket = serverSocket.accept();
                open.put(socket, Boolean.TRUE);
                connections.execute(() -> serve(socket));
            } catch (final IOException e) {
                if (!closed) {
                    LOG.warn("Soak API server failed to accept a connection: {}", e.toString());
                }
            }
        }
    }

    private void serve(final Socket socket) {
        try (socket) {
            final String path = readRequestPath(socket.getInputStream());
            if (path == null) {
                return;
            }
            final Reply reply = responder.reply(path);
            final OutputStream out = socket.getOutputStream();
            if (reply instanceof Complete complete) {
                out.write(head(complete));
                out.write(complete.body());
                out.flush();
            } else if (reply instanceof Broken broken) {
                breakExchange(socket, out, broken);
            }
        } catch (final SocketException e) {
            // The client gave up first, for example after its request timeout: expected in a soak run.
            LOG.debug("Soak API connection ended early: {}", e.toString());
        } catch (final IOException e) {
            LOG.warn("Soak API connection failed: {}", e.toString());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(socket);
        }
    }

    private static void breakExchange(final Socket socket, final OutputStream out, final Broken broken)
            throws IOException, InterruptedException {
        final byte[] body = broken.response().body();
        out.write(head(broken.response()));
        out.write(body, 0, body.length / 2);
        out.flush();
        switch (broken.ending()) {
            case STALL -> Thread.sleep(broken.stall().toMillis());
            case RESET -> socket.setSoLinger(true, 0);
            case CLOSE -> socket.shutdownOutput();
        }
    }

    private static byte[] head(final Complete response) {
        final StringBuilder head = new StringBuilder("HTTP/1.1 ").append(response.status()).append(' ')
                .append(reasonPhrase(response.status())).append("\r\n");
        response.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Content-Length: ").append(response.body().length).append("\r\n");
        head.append("Connection: close\r\n\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String reasonPhrase(final int status) {
        return switch (status) {
            case 200 -> "OK";
            case 429 -> "Too Many Requests";
            case 502 -> "Bad Gateway";
            default -> "Status";
        };
    }

    /** Reads the request head and returns the path of its request line, or null if the client sent none. */
    private static String readRequestPath(final InputStream raw) throws IOException {
        final InputStream in = new BufferedInputStream(raw);
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        final byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            final int next = in.read();
            if (next < 0) {
                return null;
            }
            head.write(next);
            if (head.size() > MAX_HEAD_BYTES) {
                throw new IOException("Request head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            matched = next == end[matched] ? matched + 1 : (next == '\r' ? 1 : 0);
        }
        final String requestLine = head.toString(StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
        final String[] parts = requestLine.split(" ");
        return parts.length >= 2 ? parts[1] : null;
    }

    /** Stops accepting, closes every open connection and waits up to 10 s for the connection threads. */
    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (final IOException e) {
            LOG.debug("Closing the soak API server socket failed: {}", e.toString());
        }
        for (final Socket socket : open.keySet()) {
            try {
                socket.close();
            } catch (final IOException e) {
                LOG.debug("Closing a soak API connection failed: {}", e.toString());
            }
        }
        connections.shutdownNow();
        try {
            connections.awaitTermination(10, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
