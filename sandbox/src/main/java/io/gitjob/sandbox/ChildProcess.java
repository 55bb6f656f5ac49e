package io.gitjob.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One process of the sandbox (the broker, the API server, a service). Its output goes, line by line, to its
 * own log file and, prefixed with its name, to the sandbox's console. Stopping it stops its whole process tree.
 */
final class ChildProcess {

    private final String name;
    private final Process process;
    private final CompletableFuture<String> readyLine = new CompletableFuture<>();
    private volatile boolean frozen;

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /**
     * Starts {@code command}; {@code console} gets every line (already prefixed), {@code logFile} too.
     * A line starting with {@code READY } completes {@link #readyLine()}.
     */
    static ChildProcess start(String name, List<String> command, Map<String, String> env, Path workDir, Path logFile,
            Consumer<String> console) {
        try {
            Files.createDirectories(logFile.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
            builder.environment().putAll(env);
            ChildProcess child = new ChildProcess(name, builder.start());
            Thread pump = new Thread(() -> child.pump(logFile, console), "log-" + name);
            pump.setDaemon(true);
            pump.start();
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    private void pump(Path logFile, Consumer<String> console) {
        String prefix = String.format("%-16s| ", name);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
                PrintWriter log = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                log.println(line);
                console.accept(prefix + line);
                if (line.startsWith("READY ")) {
                    readyLine.complete(line.substring("READY ".length()).trim());
                }
            }
        } catch (IOException e) {
            // The process ended: nothing more to read.
        }
        awaitExit(Duration.ofSeconds(5));
        readyLine.completeExceptionally(new IllegalStateException(name + " exited (code " + exitCode()
                + ") before it was ready; see its log " + logFile));
    }

    /** What the process printed after {@code READY}, waiting at most {@code timeout}. */
    String awaitReadyLine(Duration timeout) {
        try {
            return readyLine.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (RuntimeException) e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(name + " did not start within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    private String exitCode() {
        return process.isAlive() ? "still running" : Integer.toString(process.exitValue());
    }

    /** Waits for the process to exit by itself, at most {@code timeout}; its exit code, or -1 if it did not. */
    int awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * SIGSTOP to the process and its descendants: it stops dead, holding its sockets open, as a process does in a
     * long GC pause or on a frozen VM. Its peers see no error, only silence: connections neither answer nor close.
     */
    void freeze() {
        signal("STOP");
        frozen = true;
    }

    /** SIGCONT: it goes on where it stopped, and finds its peers' time has moved on. */
    void thaw() {
        signal("CONT");
        frozen = false;
    }

    boolean frozen() {
        return frozen;
    }

    private void signal(String signal) {
        List<String> command = new java.util.ArrayList<>(List.of("kill", "-" + signal, Long.toString(process.pid())));
        process.toHandle().descendants().forEach(d -> command.add(Long.toString(d.pid())));
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL, as a crashing node would die: no shutdown hook, no offset commit. */
    void kill() {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    /** SIGTERM to the whole tree (children first), then SIGKILL what is still there after {@code grace}. */
    void stop(Duration grace) {
        if (frozen && process.isAlive()) {
            thaw(); // a stopped process keeps SIGTERM pending: it could not shut down cleanly
        }
        List<ProcessHandle> tree = process.toHandle().descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        if (awaitExit(grace) < 0 && process.isAlive()) {
            process.destroyForcibly();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        awaitExit(Duration.ofSeconds(5));
    }
}
