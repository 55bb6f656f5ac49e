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

    /** A port free right now (for tests, which must not collide with a sandbox someone runs). */
    public static int anyFree() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
