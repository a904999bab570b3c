package dev.permwatch.poller;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server on 127.0.0.1 that reads the start of each request and then resets the connection
 * (SO_LINGER 0 makes close send RST), as a proxy or load balancer that drops a connection does.
 */
final class ResettingServer implements AutoCloseable {

    private final ServerSocket socket;
    private final Thread acceptor;
    private final AtomicInteger connections = new AtomicInteger();

    private ResettingServer(final ServerSocket socket) {
        this.socket = socket;
        this.acceptor = new Thread(this::acceptLoop, "resetting-server");
        this.acceptor.setDaemon(true);
    }

    static ResettingServer start() throws IOException {
        final ResettingServer server = new ResettingServer(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")));
        server.acceptor.start();
        return server;
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Returns the connections accepted so far. */
    int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                connections.incrementAndGet();
                final InputStream in = connection.getInputStream();
                final byte[] buffer = new byte[256];
                final int read = in.read(buffer);
                if (read < 0) {
                    continue;
                }
                connection.setSoLinger(true, 0);
            } catch (final IOException e) {
                // Either close() ended accept, or a client gave up first and the loop waits for the next one.
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
