package io.gitjob.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The sandbox API server's front door, for the services, people and their tools. Fabric8's mock API server serves
 * watches over WebSocket only, while kubectl (like any client-go program) watches over a plain HTTP stream:
 * {@code kubectl get jobs -w} fails against the mock itself. This front forwards every request to the mock
 * unchanged, except a watch ({@code GET ...?watch=true}), which it opens on the mock as a WebSocket and streams back
 * as a real API server does: one JSON watch event a line, chunked. Fabric8 clients (the services' informers) work
 * through it too: their WebSocket attempt is answered 200, and they fall back to an HTTP watch, as they do behind
 * {@code kubectl proxy}. Asked for a Table, as kubectl asks, it prints Jobs, Pods and GitRepos with their usual
 * columns ({@link Tables}).
 *
 * <p>It is also where the sandbox's API misbehaves on purpose ({@link FaultInjector}): a share of the requests
 * answered 429 or 500 or held until the client gives up, or every request and watch event held while frozen,
 * configured at run time through {@code /_faults} ({@link FaultsClient} is its client). {@code GET /_created} lists
 * every Job the API server created ({@link JobCreations}), {@code GET /_requests} every request per client, verb
 * and resource ({@link RequestCounts}).
 */
final class ApiFront implements AutoCloseable {

    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** Per hop, never forwarded; the JDK's client also refuses to set some of them. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "keep-alive", "transfer-encoding", "te", "trailer", "proxy-connection", "sec-websocket-key",
            "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol");

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final URI backend;
    private final FaultInjector faults = new FaultInjector();
    private final FrontAdmin admin;
    private final RequestCounts requests;

    private ApiFront(HttpServer server, ExecutorService executor, URI backend, JobCreations jobCreations,
            RequestCounts requests) {
        this.server = server;
        this.executor = executor;
        this.backend = backend;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(executor).build();
        this.requests = requests;
        this.admin = new FrontAdmin(faults, jobCreations, requests);
    }

    /** Listens on {@code address:port} and forwards to {@code backend} (the mock's {@code http://host:port}). */
    static ApiFront start(InetAddress address, int port, URI backend) throws IOException {
        return start(address, port, backend, new JobCreations());
    }

    /** The same, serving {@code jobCreations} (the mock's record of created Jobs) on {@code /_created}. */
    static ApiFront start(InetAddress address, int port, URI backend, JobCreations jobCreations) throws IOException {
        return start(address, port, backend, jobCreations, new RequestCounts());
    }

    /**
     * The same, counting every request through it in {@code requests} (served on {@code /_requests}), which the
     * mock's dispatcher may share to count the sandbox's own clients too.
     */
    static ApiFront start(InetAddress address, int port, URI backend, JobCreations jobCreations,
            RequestCounts requests) throws IOException {
        // The JDK's server writes an answer's headers and body apart; with Nagle's algorithm on, the body then
        // waits for the client's delayed ACK, 40 ms on every request. Read once, when its first server starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 64);
        // Each open watch holds a thread for as long as the client watches.
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "api-front");
            t.setDaemon(true);
            return t;
        });
        ApiFront front = new ApiFront(server, executor, backend, jobCreations, requests);
        server.createContext("/", front::handle);
        server.setExecutor(executor);
        server.start();
        return front;
    }

    int port() {
        return server.getAddress().getPort();
    }

    FaultInjector faults() {
        return faults;
    }

    /** Whether the request is a watch: kubectl sends {@code watch=true}, older clients {@code watch=1}. */
    static boolean isWatch(String method, String rawQuery) {
        if (!"GET".equals(method) || rawQuery == null) {
            return false;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.equals("watch=true") || pair.equals("watch=1")) {
                return true;
            }
        }
        return false;
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            if (FrontAdmin.handles(exchange.getRequestURI().getRawPath())) {
                admin.handle(exchange);
                return;
            }
            faults.awaitThawed(true);
            ApiRequest request = ApiRequest.of(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery());
            boolean watch = isWatch(exchange.getRequestMethod(), exchange.getRequestURI().getRawQuery());
            boolean webSocketAttempt = watch
                    && "websocket".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Upgrade"));
            if (!webSocketAttempt) {
                // A Fabric8 watch is a refused WebSocket attempt and then the HTTP watch: one watch, counted once.
                requests.count(exchange.getRequestHeaders().getFirst("User-Agent"), request);
            }
            Optional<FaultRule> fault = faults.draw(request);
            if (fault.isPresent()) {
                inject(exchange, request, fault.get());
                return;
            }
            if (watch) {
                if (webSocketAttempt) {
                    // A Fabric8 client tries WebSocket first; answered 200 instead of 101 (as kubectl proxy
                    // does), it watches over HTTP at once. An empty body: it reads the answer to the end first.
                    exchange.sendResponseHeaders(200, -1);
                    return;
                }
                streamWatch(exchange);
            } else {
                forward(exchange);
            }
        } catch (IOException e) {
            // The client went away, or the mock did: nothing to answer to.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void inject(HttpExchange exchange, ApiRequest request, FaultRule fault)
            throws IOException, InterruptedException {
        switch (fault.kind()) {
            case FaultRule.TOO_MANY_REQUESTS -> {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("Retry-After", Integer.toString(fault.retryAfterSeconds()));
                sendStatus(exchange, 429, "TooManyRequests", "the sandbox's API front injected a 429 (fault "
                        + "injection): the server has received too many requests and has asked us to try again later");
            }
            case FaultRule.SERVER_ERROR -> {
                exchange.getRequestBody().readAllBytes();
                sendStatus(exchange, 500, "InternalError", "the sandbox's API front injected a 500 (fault injection)");
            }
            default -> {
                if (fault.applied() && !"watch".equals(request.verb())) {
                    send(exchange, false); // the write happens; its answer is what gets lost
                }
                Thread.sleep(fault.holdMillis());
                // Closed unanswered (see handle): the JDK's server then drops the connection, as a dead peer would.
            }
        }
    }

    private String pathAndQuery(HttpExchange exchange) {
        URI uri = exchange.getRequestURI();
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    private void forward(HttpExchange exchange) throws IOException, InterruptedException {
        boolean table = "GET".equals(exchange.getRequestMethod())
                && Tables.wanted(exchange.getRequestHeaders().getFirst("Accept"));
        HttpResponse<byte[]> response;
        try {
            response = send(exchange, table);
        } catch (IOException e) {
            sendStatus(exchange, 502, "ServiceUnavailable", "the mock API server did not answer: " + e.getMessage());
            return;
        }
        response.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        byte[] answer = response.body();
        if (table && response.statusCode() == 200) {
            answer = Tables.of(exchange.getRequestURI().getPath(), answer, Instant.now()).orElse(answer);
        }
        boolean empty = answer.length == 0 || "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : answer.length);
        if (!empty) {
            exchange.getResponseBody().write(answer);
        }
    }

    /** The request as it came, sent to the mock (asking for JSON where the client asked for a Table). */
    private HttpResponse<byte[]> send(HttpExchange exchange, boolean table) throws IOException, InterruptedException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(backend + pathAndQuery(exchange)))
                .timeout(Duration.ofSeconds(60))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !(table && name.equalsIgnoreCase("Accept"))) {
                values.forEach(v -> request.header(name, v));
            }
        });
        if (table) {
            request.header("Accept", "application/json");
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private void streamWatch(HttpExchange exchange) throws IOException, InterruptedException {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(HANDSHAKE_TIMEOUT);
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        URI target = URI.create("ws://" + backend.getRawAuthority() + pathAndQuery(exchange));
        WebSocket socket;
        boolean table = Tables.wanted(exchange.getRequestHeaders().getFirst("Accept"));
        CompletableFuture<WebSocket> opening = builder.buildAsync(target, new LineWriter(exchange, table, ended,
                faults));
        try {
            socket = opening.get(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // A late handshake must not open a watch nobody reads, nor answer after the 502 (see onOpen).
            ended.cancel(false);
            opening.cancel(true);
            String why = e instanceof ExecutionException ? String.valueOf(e.getCause()) : "no answer";
            sendStatus(exchange, 502, "ServiceUnavailable", "the mock API server refused the watch: " + why);
            return;
        }
        try {
            ended.get();
        } catch (ExecutionException e) {
            // The mock closed the stream abnormally or the client left: either way the watch is over.
        } finally {
            socket.abort();
        }
    }

    /** Writes each watch event the mock sends as one line of the HTTP response, flushed at once. */
    private static final class LineWriter implements WebSocket.Listener {
        private final HttpExchange exchange;
        private final OutputStream out;
        private final boolean table;
        private final CompletableFuture<Void> ended;
        private final FaultInjector faults;
        private final StringBuilder partial = new StringBuilder();

        LineWriter(HttpExchange exchange, boolean table, CompletableFuture<Void> ended, FaultInjector faults) {
            this.exchange = exchange;
            this.out = exchange.getResponseBody();
            this.table = table;
            this.ended = ended;
            this.faults = faults;
        }

        /** The mock accepted the watch: answer 200 with a chunked body before the first event. */
        @Override
        public void onOpen(WebSocket socket) {
            if (ended.isDone()) {
                socket.abort(); // opened after the handshake timed out: the client has its 502 already
                return;
            }
            try {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, 0);
            } catch (IOException e) {
                ended.completeExceptionally(e);
                return;
            }
            socket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String event = table ? Tables.watchEvent(partial.toString(), Instant.now()) : partial.toString();
                byte[] line = (event + "\n").getBytes(StandardCharsets.UTF_8);
                partial.setLength(0);
                try {
                    // A frozen API server sends no events either; the next is asked for only after this one.
                    faults.awaitThawed(false);
                    out.write(line);
                    out.flush();
                } catch (IOException e) {
                    ended.completeExceptionally(e); // the client stopped watching
                    return null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    ended.completeExceptionally(e); // the front is closing
                    return null;
                }
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            ended.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            ended.completeExceptionally(error);
        }
    }

    /** A Kubernetes {@code Status} answer, as the API server writes a failure. */
    static void sendStatus(HttpExchange exchange, int code, String reason, String message) throws IOException {
        String json = "{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"metadata\":{},\"status\":\"Failure\",\"code\":"
                + code + ",\"reason\":\"" + reason + "\",\"message\":\""
                + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        faults.thaw();
        server.stop(0);
        executor.shutdownNow();
    }
}
