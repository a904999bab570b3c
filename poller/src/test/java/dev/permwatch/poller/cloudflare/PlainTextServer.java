package dev.permwatch.poller.cloudflare;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A loopback server that replies to every connection at once with a plain HTTP 400 and closes it,
 * so a client expecting TLS receives bytes that are not a TLS record.
 */
final class PlainTextServer implements AutoCloseable {

    private final ServerSocket socket;
    private final Thread acceptor;

    private PlainTextServer(final ServerSocket socket) {
        this.socket = socket;
        this.acceptor = new Thread(this::serve, "plain-text-server");
        this.acceptor.setDaemon(true);
    }

    static PlainTextServer start() throws IOException {
        final PlainTextServer server = new PlainTextServer(new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1")));
        server.acceptor.start();
        return server;
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                final OutputStream out = connection.getOutputStream();
                out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (final IOException e) {
                // A failed connection ends only that client. Closing the server socket ends the loop.
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        socket.close();
        acceptor.join(5_000);
    }
}
