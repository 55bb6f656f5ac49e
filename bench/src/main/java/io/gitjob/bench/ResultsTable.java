package io.gitjob.bench;

import java.util.List;

import io.gitjob.bench.pipeline.PipelineBench;

/** The pipeline results as the Markdown tables docs/performance.md shows. */
final class ResultsTable {

    private ResultsTable() {
    }

    static String of(List<PipelineBench.Result> results) {
        StringBuilder b = new StringBuilder();
        b.append("\n| GitRepos | wave | stage | done | p50 | p99 | max | events/s | of raw Kafka |\n");
        b.append("|---:|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (PipelineBench.Result r : results) {
            Latencies k = r.baseline().latencies();
            b.append(String.format("| %,d | raw Kafka, same broker | send -> receive | %,d | %s | %s | %s | %,.0f | 1 |%n",
                    r.gitRepos(), k.count(), ms(k.p50Millis()), ms(k.p99Millis()), ms(k.maxMillis()),
                    k.eventsPerSecond()));
            for (PipelineBench.Stage s : r.stages()) {
                Latencies l = s.latencies();
                b.append(String.format("| %,d | %s | %s | %,d of %,d | %s | %s | %s | %,.0f | %.3f |%n", r.gitRepos(),
                        s.wave(), s.stage(), l.count(), s.expected(), ms(l.p50Millis()), ms(l.p99Millis()),
                        ms(l.maxMillis()), l.eventsPerSecond(), r.ratioToKafka(s)));
            }
        }
        b.append("\n| GitRepos | watcher-service | job-service | metrics-service | janitor-service | scrape (median) |"
                + " scrape size |\n");
        b.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (PipelineBench.Result r : results) {
            b.append(String.format("| %,d |", r.gitRepos()));
            r.heap().forEach(h -> b.append(String.format(" %.1f MiB |", h.liveBytes() / 1048576.0)));
            b.append(String.format(" %.3f s | %.1f MiB |%n", r.scrapeSecondsMedian(), r.scrapeBytes() / 1048576.0));
        }
        return b.toString();
    }

    private static String ms(double millis) {
        if (Double.isNaN(millis)) {
            return "-";
        }
        return millis >= 1000 ? String.format("%.2f s", millis / 1000) : String.format("%.0f ms", millis);
    }
}
