package io.gitjob.support;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import io.gitjob.events.Event;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * Traces across the services: the trace context travels in W3C {@code traceparent} headers of the Kafka
 * records (and, for a Job, in an annotation), so one trace shows a commit detected, its Job created, the Job
 * succeeded and deleted, and the metrics updated. Done here explicitly rather than by the Kafka connector's
 * own tracing, because the services read records and send events on different threads and code paths.
 * With the SDK disabled (the default) every span is a no-op and no header is written.
 */
@ApplicationScoped
public class Tracing {

    private static final TextMapGetter<Headers> HEADERS_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            return () -> java.util.Arrays.stream(headers.toArray()).map(Header::key).iterator();
        }

        @Override
        public String get(Headers headers, String key) {
            Header header = headers == null ? null : headers.lastHeader(key);
            return header == null || header.value() == null ? null
                    : new String(header.value(), StandardCharsets.UTF_8);
        }
    };
    private static final TextMapSetter<Headers> HEADERS_SETTER = (headers, key, value) -> {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    };
    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    @Inject
    OpenTelemetry openTelemetry;

    private Tracer tracer() {
        return openTelemetry.getTracer("io.gitjob");
    }

    /** The trace context a record carries; the root context when it carries none. */
    public Context extract(Headers headers) {
        return openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), headers, HEADERS_GETTER);
    }

    /**
     * Writes the current trace context into outgoing record headers. W3C trace context is what Quarkus'
     * OpenTelemetry propagates by default; with no span recording it writes nothing.
     */
    public static void injectCurrent(Headers headers) {
        W3CTraceContextPropagator.getInstance().inject(Context.current(), headers, HEADERS_SETTER);
    }

    /** The current trace context as text fields (for a Kubernetes annotation); empty when not tracing. */
    public Map<String, String> currentAsMap() {
        Map<String, String> fields = new HashMap<>();
        openTelemetry.getPropagators().getTextMapPropagator().inject(Context.current(), fields, Map::put);
        return fields;
    }

    public Context fromMap(Map<String, String> fields) {
        return openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), fields, MAP_GETTER);
    }

    /** Runs {@code work} in a span named {@code name}, child of {@code parent}, tagged with the event. */
    public <T> T inSpan(String name, SpanKind kind, Context parent, Event event, Supplier<T> work) {
        Span span = tracer().spanBuilder(name).setParent(parent).setSpanKind(kind)
                .setAttribute("gitjob.gitrepo", event == null ? "" : event.key().toString())
                .setAttribute("gitjob.event.type", event == null ? "" : event.type())
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return work.get();
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
            throw e;
        } finally {
            span.end();
        }
    }

    public void inSpan(String name, SpanKind kind, Context parent, Event event, Runnable work) {
        inSpan(name, kind, parent, event, () -> {
            work.run();
            return null;
        });
    }
}
