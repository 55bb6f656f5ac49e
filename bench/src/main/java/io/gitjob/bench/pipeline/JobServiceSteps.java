package io.gitjob.bench.pipeline;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where job-service's share of commit detected -> Job created goes in a wave, from its own timers
 * ({@code gitjob_job_step_seconds{step}}, scraped before and after): the wait for a reconcile worker, the reconcile's
 * actions as a whole, and within them the prerequisites, the Job's create, each awaited broker acknowledgement and
 * the status write. Means over the wave, in milliseconds.
 */
final class JobServiceSteps {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern SAMPLE = Pattern.compile(
            "^gitjob_job_step_seconds_(count|sum)\\{[^}]*step=\"([^\"]+)\"[^}]*\\}\\s+(\\S+)", Pattern.MULTILINE);

    /** step -> {count, sum seconds} */
    private final Map<String, double[]> before;
    private final String url;

    private JobServiceSteps(String url) throws IOException, InterruptedException {
        this.url = url;
        this.before = read(url);
    }

    static JobServiceSteps start(String jobServiceUrl) throws IOException, InterruptedException {
        return new JobServiceSteps(jobServiceUrl);
    }

    /** One line per step: how often in the wave, and its mean. */
    List<String> end(String wave) throws IOException, InterruptedException {
        Map<String, double[]> after = read(url);
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(wave + " wave: job-service steps, mean ms (times):");
        after.forEach((step, v) -> {
            double[] b = before.getOrDefault(step, new double[2]);
            double count = v[0] - b[0];
            if (count > 0) {
                line.append(String.format("  %s %.1f (%d)", step, (v[1] - b[1]) * 1000 / count, (long) count));
            }
        });
        lines.add(line.toString());
        return lines;
    }

    private static Map<String, double[]> read(String url) throws IOException, InterruptedException {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/q/metrics")).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, double[]> steps = new TreeMap<>();
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            double[] v = steps.computeIfAbsent(m.group(2), k -> new double[2]);
            v["count".equals(m.group(1)) ? 0 : 1] += Double.parseDouble(m.group(3));
        }
        return steps;
    }
}
