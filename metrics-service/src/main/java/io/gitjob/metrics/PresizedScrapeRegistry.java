package io.gitjob.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

import io.micrometer.core.instrument.Clock;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exemplars.ExemplarSampler;
import io.prometheus.client.exporter.common.TextFormat;

/**
 * Micrometer's Prometheus registry with a cheaper {@code scrape(contentType)}, the call behind Quarkus' own
 * {@code /q/metrics} handler ({@code /q/metrics} itself is streamed by {@link StreamedScrapeRoute}, which writes
 * through {@code scrape(Writer, contentType)} and needs no String).
 * Micrometer writes the text into a {@code StringWriter} that starts at 16 characters and doubles (a synchronized
 * buffer, each doubling a copy of everything so far); at 10,000 GitRepos the text is about 30 MB, so the
 * copies alone were about half of the 250 MiB one scrape allocated. Here the text goes into a plain builder sized
 * from the previous scrape, so it is allocated about once. The text is the same, byte for byte.
 */
public class PresizedScrapeRegistry extends PrometheusMeterRegistry {

    /** The first scrape's guess; later ones start from the previous length plus an eighth. */
    static final int INITIAL_CAPACITY = 64 * 1024;

    private volatile int lastLength = INITIAL_CAPACITY;

    public PresizedScrapeRegistry(PrometheusConfig config, CollectorRegistry registry, Clock clock,
            ExemplarSampler exemplarSampler) {
        super(config, registry, clock, exemplarSampler);
    }

    @Override
    public String scrape() {
        return scrape(TextFormat.CONTENT_TYPE_004);
    }

    @Override
    public String scrape(String contentType) {
        int last = lastLength;
        BuilderWriter writer = new BuilderWriter(capacityAfter(last));
        try {
            scrape(writer, contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not fail; Micrometer declares it anyway
        }
        lastLength = writer.text.length();
        return writer.text.toString();
    }

    /** Room for a text a little longer than the last one, so a growing registry rarely regrows the buffer. */
    static int capacityAfter(int lastLength) {
        long wanted = (long) lastLength + lastLength / 8;
        return (int) Math.min(Integer.MAX_VALUE - 16, Math.max(INITIAL_CAPACITY, wanted));
    }

    /** A {@link Writer} on a {@link StringBuilder}: no locking, unlike {@code StringWriter}'s StringBuffer. */
    static final class BuilderWriter extends Writer {
        final StringBuilder text;

        BuilderWriter(int capacity) {
            text = new StringBuilder(capacity);
        }

        @Override
        public void write(int c) {
            text.append((char) c);
        }

        @Override
        public void write(char[] chars, int off, int len) {
            text.append(chars, off, len);
        }

        @Override
        public void write(String s, int off, int len) {
            text.append(s, off, off + len);
        }

        @Override
        public Writer append(CharSequence s) {
            text.append(s);
            return this;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
