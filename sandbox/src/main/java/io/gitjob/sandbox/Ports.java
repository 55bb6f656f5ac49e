package io.gitjob.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Ports of the sandbox: checked before anything starts, so a busy port is an error at once, not a hang. */
public final class Ports {

    private Ports() {
    }

    /** Each port that something else already listens on, with what the sandbox wanted it for. */
    static List<String> busy(Map<String, Integer> wanted) {
        List<String> busy = new ArrayList<>();
        wanted.forEach((what, port) -> {
            if (!free(port)) {
                busy.add("port " + port + " (" + what + ") is already in use");
            }
        });
        return busy;
    }

    static boolean free(int port) {
        // Services listen on all interfaces, the broker and the API server on loopback: check both.
        for (InetSocketAddress address : List.of(new InetSocketAddress(port),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(address);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** Every port {@link #anyFree} handed out: none is handed out twice. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port free right now (for tests, which must not collide with a sandbox someone runs), and not one this JVM
     * handed out before: the ports of a sandbox are all chosen before any of them is bound, and the kernel may give
     * the same free port to two of those choices (a watcher once found its port taken by the broker's controller).
     */
    public static int anyFree() {
        for (int attempt = 0;; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            if (HANDED_OUT.add(port) || attempt >= 100) {
                return port;
            }
        }
    }
}
