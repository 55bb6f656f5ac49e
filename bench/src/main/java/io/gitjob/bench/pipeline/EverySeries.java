package io.gitjob.bench.pipeline;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.gitjob.events.CloudEventHeaders;
import io.gitjob.events.Event;
import io.gitjob.events.EventCodec;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.Topics;

/**
 * HeapBench's {@code --every-series}: the paused GitRepos have no Job, so metrics-service holds only the series of
 * their fetches and status. This publishes, per GitRepo, the events job-service and the watcher publish for a Job
 * created, a Job that could not be created, a Job succeeded and a fetch failed, as they publish them (same topics,
 * keys, CloudEvents headers), so every event-fed series exists: both Job counters, the Job duration histogram and
 * its short-lived gauge, the fetch failure counter. Each size publishes a success again for every GitRepo (the gauge
 * lives 2 minutes), then waits until a scrape shows every GitRepo's gauge. Not {@code gitjob_failed_jobs_retained}:
 * that one is counted from failed Jobs in the cluster, which these GitRepos do not have.
 */
final class EverySeries implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final KafkaProducer<String, byte[]> producer;
    private final String metricsUrl;
    private int round;

    EverySeries(String bootstrap, String metricsUrl) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.metricsUrl = metricsUrl;
    }

    /** Publishes the events: all four kinds for GitRepos {@code from} on, a Job success again for the others. */
    void publish(List<GitRepoRef> gitRepos, int from) {
        round++;
        for (int i = 0; i < gitRepos.size(); i++) {
            GitRepoRef r = gitRepos.get(i);
            Instant t = Instant.now();
            String job = r.name() + "-every-" + round;
            String id = "every-series-" + round + "-" + i + "-";
            if (i >= from) {
                send(Topics.GITJOB_EVENTS, new GitJobEvent.JobCreated(id + "created", t, r, 1, 0, job, "c0ffee"));
                send(Topics.GITJOB_EVENTS, new GitJobEvent.JobCreationFailed(id + "creation-failed", t, r, 1, 0,
                        job + "-x", "c0ffee", "ApiError", "conflict"));
                send(Topics.GITREPO_EVENTS, new GitRepoEvent.CommitFetchFailed(id + "fetch-failed", t, r, 1, 0,
                        "https://git.example/r.git", "TransportException", "unreachable", 0.5));
            }
            send(Topics.GITJOB_EVENTS, new GitJobEvent.JobSucceeded(id + "succeeded", t, r, 1, 0, job, "c0ffee",
                    3.0 + i % 50));
        }
        producer.flush();
    }

    private void send(String topic, Event event) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, event.key().toString(),
                EventCodec.encode(event));
        CloudEventHeaders.write(record.headers(), event, "heap-bench");
        producer.send(record);
    }

    /** Until a scrape shows {@code count} Job duration gauges. */
    void awaitSeries(int count, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String prefix = "fleet_gitjob_duration_seconds_gauge{";
        long seen = -1;
        while (System.nanoTime() < deadline) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(metricsUrl + "/q/metrics"))
                    .header("Accept", "text/plain").timeout(Duration.ofSeconds(60)).GET().build();
            HttpResponse<java.util.stream.Stream<String>> response = HTTP.send(request,
                    HttpResponse.BodyHandlers.ofLines());
            seen = response.body().filter(l -> l.startsWith(prefix)).count();
            if (seen >= count) {
                return;
            }
            Thread.sleep(1_000);
        }
        throw new IllegalStateException("metrics-service shows " + seen + " Job duration gauges, not " + count);
    }

    @Override
    public void close() {
        producer.close();
    }
}
