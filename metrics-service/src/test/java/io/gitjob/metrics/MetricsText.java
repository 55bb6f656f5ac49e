package io.gitjob.metrics;

import java.util.Arrays;
import java.util.List;

/** Lines of Prometheus text (format 0.0.4, as Fleet serves it) that tests compare exactly. */
final class MetricsText {
    private MetricsText() {
    }

    /** The labels of a GitRepo's series as Micrometer writes them in format 0.0.4. */
    static String labels(String namespace, String name) {
        return "name=\"" + name + "\",namespace=\"" + namespace + "\",";
    }

    /** Every sample line of the GitRepo (any metric), in scrape order. */
    static List<String> samplesOf(String text, String namespace, String name) {
        String wanted = "{" + labels(namespace, name);
        return lines(text).stream().filter(l -> !l.startsWith("#") && l.contains(wanted)).toList();
    }

    /** Every line that mentions the GitRepo's labels anywhere. */
    static List<String> anyLineOf(String text, String namespace, String name) {
        String n = "name=\"" + name + "\"";
        String ns = "namespace=\"" + namespace + "\"";
        return lines(text).stream().filter(l -> l.contains(n) && l.contains(ns)).toList();
    }

    /** The sample lines of one metric (by its Prometheus name, any suffix) of the GitRepo. */
    static List<String> samplesOf(String text, String metric, String namespace, String name) {
        return samplesOf(text, namespace, name).stream()
                .filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + "_bucket{")
                        || l.startsWith(metric + "_count{") || l.startsWith(metric + "_sum{"))
                .toList();
    }

    /** The expected lines of a histogram: {@code counts} are the cumulative counts of the buckets and +Inf. */
    static List<String> histogram(String metric, String namespace, String name, double[] buckets, double[] counts,
            double count, double sum) {
        String labels = labels(namespace, name);
        String[] lines = new String[buckets.length + 3];
        for (int i = 0; i < buckets.length; i++) {
            lines[i] = metric + "_bucket{" + labels + "le=\"" + buckets[i] + "\",} " + counts[i];
        }
        lines[buckets.length] = metric + "_bucket{" + labels + "le=\"+Inf\",} " + counts[buckets.length];
        lines[buckets.length + 1] = metric + "_count{" + labels + "} " + count;
        lines[buckets.length + 2] = metric + "_sum{" + labels + "} " + sum;
        return Arrays.asList(lines);
    }

    /**
     * The lines of a scrape. An OpenMetrics sample may end in an exemplar ({@code # {trace_id=...} ...}): the
     * services carry OpenTelemetry, and Micrometer links a counter to the trace it was counted in. The
     * series themselves are what these tests compare, so the exemplar is cut off.
     */
    static List<String> lines(String text) {
        return Arrays.stream(text.split("\n")).map(l -> l.replaceFirst(" # \\{.*$", "")).toList();
    }
}
