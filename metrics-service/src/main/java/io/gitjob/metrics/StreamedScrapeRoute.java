package io.gitjob.metrics;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.gitjob.metrics.exposition.MeterExposition;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Serves {@code /q/metrics} streamed: the exposition is written straight from the meters ({@link MeterExposition})
 * and goes out in chunks of UTF-8 as it is written ({@link ChunkedUtf8Writer}), instead of Quarkus' handler, which
 * takes Micrometer's scrape as one String and sends it as one byte array (at 10,000 GitRepos, 30 MB twice over on
 * top of the scrape itself). Same path, port, lines, content types and Accept rules as Quarkus' handler (the series
 * in a stable order rather than Micrometer's hash order); a request this route does not take (an Accept header naming neither
 * format) falls through to Quarkus' routes, which answer it as before (406).
 */
@ApplicationScoped
public class StreamedScrapeRoute {

    private static final Logger LOG = Logger.getLogger(StreamedScrapeRoute.class);

    /**
     * Ahead of Quarkus' own {@code /q} router, which is mounted at a non-negative order, and behind its body and
     * upload-limit handlers ({@link RouteConstants#ROUTE_ORDER_UPLOAD_LIMIT} and lower).
     */
    static final int ORDER = RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT + 1;

    /** A client that takes no bytes for this long is gone (Prometheus' own scrape timeout is 10 s by default). */
    static final Duration STALLED_CLIENT = Duration.ofSeconds(60);

    @Inject
    PrometheusMeterRegistry registry;

    /** The registry's own configuration: its HELP texts depend on it. */
    @Inject
    PrometheusConfig config;

    /** Its status levels and failed-Job counts are not meters: written with them. */
    @Inject
    GitJobMetrics gitJobMetrics;

    @ConfigProperty(name = "quarkus.http.non-application-root-path", defaultValue = "q")
    String nonApplicationRoot;

    @ConfigProperty(name = "quarkus.micrometer.export.prometheus.path", defaultValue = "metrics")
    String prometheusPath;

    void register(@Observes Router router) {
        router.route(path(nonApplicationRoot, prometheusPath))
                .order(ORDER)
                // As Quarkus' route: these two, or no Accept header; anything else is left to its 406.
                .produces("text/plain")
                .produces(TextFormat.CONTENT_TYPE_OPENMETRICS_100)
                // A scrape takes hundreds of milliseconds at 10,000 GitRepos: not on the event loop.
                .blockingHandler(this::serve, false);
    }

    /** Where Quarkus puts its Prometheus endpoint: a relative path is under the non-application root. */
    static String path(String nonApplicationRoot, String prometheusPath) {
        if (prometheusPath.startsWith("/")) {
            return prometheusPath;
        }
        String root = nonApplicationRoot.startsWith("/") ? nonApplicationRoot : "/" + nonApplicationRoot;
        return (root.endsWith("/") ? root : root + "/") + prometheusPath;
    }

    /** Quarkus' choice, kept as is: text/plain or text/html anywhere in the header means 0.0.4. */
    static String contentType(String accept) {
        if (accept != null && (accept.contains("text/plain") || accept.contains("text/html"))) {
            return TextFormat.CONTENT_TYPE_004;
        }
        return TextFormat.CONTENT_TYPE_OPENMETRICS_100;
    }

    void serve(RoutingContext rc) {
        String contentType = contentType(rc.request().getHeader("Accept"));
        HttpServerResponse response = rc.response();
        response.putHeader("Content-Type", contentType).setChunked(true);
        ChunkedUtf8Writer out = new ChunkedUtf8Writer(chunk -> send(response, chunk));
        try {
            // Straight from the meters: Micrometer's own scrape builds a sample object per line, about 3x the text.
            new MeterExposition(registry, config, FleetMetrics.HIDDEN_SAMPLES, gitJobMetrics.gaugeFamilies())
                    .write(out, contentType);
            out.finish();
            response.end();
        } catch (IOException | RuntimeException e) {
            if (!response.headWritten()) {
                rc.fail(e);
            } else {
                // Half a text already went out: cut the connection so the scrape fails rather than looks complete.
                LOG.warnf("scrape aborted after %d bytes: %s", out.bytesWritten(), e.toString());
                response.reset();
            }
        }
    }

    /** Writes a chunk and, while the connection's queue is full, waits for it to drain: memory stays one chunk's. */
    private static void send(HttpServerResponse response, Buffer chunk) throws IOException {
        if (response.closed()) {
            throw new IOException("the client closed the connection");
        }
        response.write(chunk);
        long deadline = System.nanoTime() + STALLED_CLIENT.toNanos();
        while (response.writeQueueFull()) {
            CompletableFuture<Void> drained = new CompletableFuture<>();
            response.drainHandler(v -> drained.complete(null));
            if (!response.writeQueueFull() || response.closed()) {
                break; // drained (or closed) before the handler was in place: it would not be called
            }
            try {
                drained.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                if (response.closed()) {
                    throw new IOException("the client closed the connection");
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("the client took nothing for " + STALLED_CLIENT.toSeconds() + " s");
                }
            } catch (ExecutionException e) {
                throw new IOException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the client drained the response", e);
            }
        }
        if (response.closed()) {
            throw new IOException("the client closed the connection");
        }
    }
}
