package io.gitjob.bench.replay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.gitjob.events.Event;
import io.gitjob.events.EventSerializer;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.LocalKafka;
import io.gitjob.events.Topics;
import io.gitjob.testing.KafkaBroker;
import io.gitjob.testing.TestEvents;

/**
 * How long {@code replay-cli explain} takes for one GitRepo, JVM start included, when gitrepo-events and
 * gitjob-events each hold 1,000,000 records of many GitRepos: the embedded broker's two topics are re-made with
 * production's 12 partitions and filled in time order over six days (each GitRepo: commit detected and three
 * failed fetches, then decided, created, succeeded and deleted, once a round), then the built tool runs as its own
 * process (with replay-cli/replay.sh's JVM options), with {@code --since 12h} (a seek by time; a round is 5.8 h) and over the whole retention (the GitRepo's partition read
 * from the start).
 *
 * <p>{@code ./mvnw -B -ntp -pl replay-cli,bench -am install -DskipTests}, then
 * {@code java -cp "bench/target/classes:$(cat bench/target/runtime-classpath.txt)"
 * io.gitjob.bench.replay.ExplainBench [gitRepos=10000] [rounds=25] [runs=3]} from the repository root.
 */
public final class ExplainBench {

    private static final Path TOOL = Path.of("replay-cli/target/quarkus-app/quarkus-run.jar");
    private static final String REPO = "https://git.example/bench.git";

    private ExplainBench() {
    }

    public static void main(String[] args) throws Exception {
        int gitRepos = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        if (!Files.exists(TOOL)) {
            throw new IllegalStateException(TOOL + " is missing: build replay-cli first (see the class comment)");
        }
        String bootstrap = KafkaBroker.bootstrapServers();
        productionTopics(bootstrap);
        GitRepoRef target = TestEvents.gitRepo("bench", "repo-" + (gitRepos / 2));
        long[] sent = fill(bootstrap, gitRepos, rounds);
        System.out.printf(Locale.ROOT, "gitrepo-events: %,d records, gitjob-events: %,d records, %,d GitRepos, "
                + "12 partitions each; explaining %s%n", sent[0], sent[1], gitRepos, target.key());
        System.out.printf(Locale.ROOT, "%-40s %10s %10s %10s%n", "command", "min", "median", "max");
        for (List<String> command : List.of(
                List.of("explain", target.key().toString(), "--since", "12h"),
                List.of("explain", target.key().toString()),
                List.of("explain", target.key().toString(), "--since", "12h", "--json"),
                List.of("timeline", target.key().toString(), "--since", "12h"))) {
            List<Long> millis = new ArrayList<>();
            String firstOutput = null;
            for (int i = 0; i < runs; i++) {
                var run = runTool(bootstrap, command);
                millis.add(run.millis);
                firstOutput = firstOutput == null ? run.answer : firstOutput;
            }
            millis.sort(null);
            System.out.printf(Locale.ROOT, "%-40s %8d ms %8d ms %8d ms%n", String.join(" ", command).replace(
                    target.key().toString(), "NS/NAME"), millis.get(0), millis.get(millis.size() / 2),
                    millis.get(millis.size() - 1));
            System.out.println("  " + firstOutput);
        }
        System.exit(0);
    }

    private record ToolRun(long millis, String answer) {
    }

    private static ToolRun runTool(String bootstrap, List<String> command) throws Exception {
        // The JVM options of replay-cli/replay.sh, the documented way to run the tool.
        List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", TOOL.toString()));
        argv.addAll(command);
        argv.addAll(List.of("--bootstrap-servers", bootstrap));
        long start = System.nanoTime();
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(argv + " failed: " + out);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        String answer = out.lines().filter(l -> l.startsWith("answer:") || l.startsWith("{")).findFirst()
                .orElse(out.lines().reduce((a, b) -> b).orElse(""));
        return new ToolRun(millis, answer.length() > 200 ? answer.substring(0, 200) + "..." : answer);
    }

    /** The event topics as production has them (12 partitions): the tests' broker makes them with 3. */
    private static void productionTopics(String bootstrap) throws Exception {
        Set<String> events = Set.of(Topics.GITREPO_EVENTS, Topics.GITJOB_EVENTS);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.deleteTopics(events).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (admin.listTopics().names().get().stream().anyMatch(events::contains)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the event topics were not deleted within 30 s");
                }
                Thread.sleep(100); // the admin API has no wait for a deletion to finish
            }
        }
        LocalKafka.createTopics(bootstrap, Topics.DEFAULT_PARTITIONS, Duration.ofSeconds(30));
    }

    /** Fills both topics in time order over six days (inside their 7-day retention); returns the counts. */
    private static long[] fill(String bootstrap, int gitRepos, int rounds) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(256L * 1024 * 1024));
        EventSerializer serializer = new EventSerializer();
        long[] sent = { 0, 0 };
        Instant end = Instant.now().minus(Duration.ofMinutes(30));
        Duration round = Duration.ofDays(6).dividedBy(rounds);
        Instant begin = end.minus(Duration.ofDays(6));
        long started = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            for (int r = 0; r < rounds; r++) {
                Instant roundStart = begin.plus(round.multipliedBy(r));
                long step = round.toMillis() / 2 / gitRepos;
                for (int i = 0; i < gitRepos; i++) {
                    GitRepoRef g = TestEvents.gitRepo("bench", "repo-" + i);
                    Instant t = roundStart.plusMillis(step * i);
                    String commit = String.format(Locale.ROOT, "%08x%032d", i, r);
                    String previous = r == 0 ? null : String.format(Locale.ROOT, "%08x%032d", i, r - 1);
                    String job = "repo-" + i + "-" + commit.substring(0, 10);
                    for (int f = 0; f < 3; f++) {
                        send(producer, serializer, sent, new GitRepoEvent.CommitFetchFailed(TestEvents.id(),
                                t.plusMillis(f), g, 1, 0, REPO, "TransportException", REPO + ": connection reset", 0.3));
                    }
                    send(producer, serializer, sent, new GitRepoEvent.CommitDetected(TestEvents.id(), t.plusMillis(3),
                            g, 1, 0, REPO, "main", commit, previous, 0.2, GitRepoEvent.CommitSource.POLL));
                    send(producer, serializer, sent, new GitJobEvent.JobDecided(TestEvents.id(), t.plusMillis(4), g,
                            1, 0, job, "gitrepo.commit-detected",
                            new GitJobEvent.SeenState(true, false, false, commit, previous, 1, 0, "Current", "fleet",
                                    List.of()),
                            List.of("create Job " + job + " for commit " + commit),
                            "wanted state: commit " + commit + ", generation 1, forceSyncGeneration 0", "done", false));
                    send(producer, serializer, sent, new GitJobEvent.JobCreated(TestEvents.id(), t.plusMillis(5), g,
                            1, 0, job, commit));
                    send(producer, serializer, sent, new GitJobEvent.JobSucceeded(TestEvents.id(),
                            t.plusMillis(6 + step / 2), g, 1, 0, job, commit, 40));
                    send(producer, serializer, sent, new GitJobEvent.JobDeleted(TestEvents.id(),
                            t.plusMillis(7 + step / 2), g, 1, 0, job, commit, GitJobEvent.DeletedBy.JOB_SERVICE,
                            "succeeded"));
                }
            }
            producer.flush();
        }
        System.out.printf(Locale.ROOT, "filled in %.1f s%n", (System.nanoTime() - started) / 1e9);
        return sent;
    }

    private static void send(KafkaProducer<String, byte[]> producer, EventSerializer serializer, long[] sent,
            Event event) {
        String topic = event instanceof GitRepoEvent ? Topics.GITREPO_EVENTS : Topics.GITJOB_EVENTS;
        RecordHeaders headers = new RecordHeaders();
        byte[] value = serializer.serialize(topic, headers, event);
        producer.send(new ProducerRecord<>(topic, null, event.time().toEpochMilli(), event.key().toString(), value,
                headers));
        sent[topic.equals(Topics.GITREPO_EVENTS) ? 0 : 1]++;
    }
}
