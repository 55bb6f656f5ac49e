package io.gitjob.bench.pipeline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * One scrape of metrics-service's {@code /q/metrics} as Prometheus would do it (text format), reduced to what
 * the pipeline benchmark needs: the GitRepos (label {@code name}) that still have a per-GitRepo series, and
 * when the scrape started and ended ({@link System#nanoTime()}).
 */
record SeriesScrape(Set<String> gitRepos, long startNanos, long endNanos, long bytes) {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static SeriesScrape of(String metricsUrl) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(URI.create(metricsUrl + "/q/metrics"))
                .header("Accept", "text/plain").timeout(Duration.ofSeconds(60)).build();
        HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        Set<String> names = new HashSet<>();
        long bytes = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8),
                1 << 16)) {
            String line;
            while ((line = in.readLine()) != null) {
                bytes += line.length() + 1;
                if (line.startsWith("fleet_") || line.startsWith("gitjob_failed_jobs_retained")) {
                    String name = nameLabel(line);
                    if (name != null) {
                        names.add(name);
                    }
                }
            }
        }
        if (response.statusCode() != 200) {
            throw new IOException("GET /q/metrics answered " + response.statusCode());
        }
        return new SeriesScrape(names, start, System.nanoTime(), bytes);
    }

    /** The value of label {@code name} in a sample line, e.g. {@code m{name="a",namespace="b",} 1.0}. */
    static String nameLabel(String line) {
        int brace = line.indexOf('{');
        if (brace < 0) {
            return null;
        }
        int at = line.indexOf("name=\"", brace);
        while (at > 0 && line.charAt(at - 1) != '{' && line.charAt(at - 1) != ',') {
            at = line.indexOf("name=\"", at + 1);
        }
        if (at < 0) {
            return null;
        }
        int from = at + "name=\"".length();
        int to = line.indexOf('"', from);
        return to < 0 ? null : line.substring(from, to);
    }

    double seconds() {
        return (endNanos - startNanos) / 1e9;
    }
}
