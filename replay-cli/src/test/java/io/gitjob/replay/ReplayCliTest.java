package io.gitjob.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.gitjob.events.CloudEventHeaders;
import io.gitjob.events.DeadLetterHeaders;
import io.gitjob.events.Event;
import io.gitjob.events.EventSerializer;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.Topics;
import io.gitjob.testing.KafkaBroker;
import io.gitjob.testing.KafkaTestClient;
import io.gitjob.testing.TestEvents;

/** The replay tools against a real Kafka broker (embedded KRaft, or a container where Docker is present). */
class ReplayCliTest {

    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final GitRepoRef A = TestEvents.gitRepo("team-a", "app-" + RUN);
    static final GitRepoRef B = TestEvents.gitRepo("team-b", "other-" + RUN);

    static KafkaProducer<String, byte[]> producer;
    static final EventSerializer SERIALIZER = new EventSerializer();

    @BeforeAll
    static void history() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(p);
        // A's history over three hours on both topics, B's interleaved.
        send(commit(A, "c1", NOW.minus(Duration.ofMinutes(180))));
        send(commit(B, "b1", NOW.minus(Duration.ofMinutes(170))));
        send(new GitJobEvent.JobCreated(id(), NOW.minus(Duration.ofMinutes(150)), A, 1, 0, "app-1", "c1"));
        send(new GitJobEvent.JobCreated(id(), NOW.minus(Duration.ofMinutes(140)), B, 1, 0, "other-1", "b1"));
        send(new GitJobEvent.JobSucceeded(id(), NOW.minus(Duration.ofMinutes(60)), A, 1, 0, "app-1", "c1", 42));
        send(commit(A, "c2", NOW.minus(Duration.ofMinutes(30))));
        send(new GitJobEvent.JobFailed(id(), NOW.minus(Duration.ofMinutes(20)), B, 1, 0, "other-1", "b1",
                "BackoffLimitExceeded", "bad.yaml"));
        producer.flush();
    }

    @AfterAll
    static void close() {
        producer.close();
    }

    @Test
    void timelineShowsExactlyTheGitReposEventsInTimeOrder() {
        var run = run("timeline", key(A));
        assertEquals(0, run.code, run.err);
        List<String> lines = run.lines();
        assertEquals(4, lines.size(), run.out);
        assertTrue(lines.get(0).contains("gitrepo.commit-detected") && lines.get(0).contains("commit=c1"), lines.get(0));
        assertTrue(lines.get(1).contains("gitjob.created") && lines.get(1).contains("job=app-1"), lines.get(1));
        assertTrue(lines.get(2).contains("gitjob.succeeded") && lines.get(2).contains("duration=42.0s"), lines.get(2));
        assertTrue(lines.get(3).contains("gitrepo.commit-detected") && lines.get(3).contains("commit=c2"), lines.get(3));
        assertTrue(run.out.indexOf("other-") < 0, "another GitRepo's events leaked in:\n" + run.out);
    }

    @Test
    void sinceCutsAtTheSpanBeforeNow() {
        var run = run("timeline", key(A), "--since", "2h");
        assertEquals(0, run.code, run.err);
        assertEquals(2, run.lines().size(), run.out);
        assertTrue(run.lines().get(0).contains("gitjob.succeeded"), run.out);
    }

    @Test
    void fromAndToCutAndJsonNamesEveryEvent() {
        var run = run("timeline", key(A), "--from", NOW.minus(Duration.ofMinutes(155)).toString(), "--to",
                NOW.minus(Duration.ofMinutes(30)).toString(), "--json");
        assertEquals(0, run.code, run.err);
        assertEquals(2, run.lines().size(), run.out);
        assertTrue(run.lines().get(0).contains("\"type\":\"gitjob.created\""), run.out);
        assertTrue(run.lines().get(1).contains("\"type\":\"gitjob.succeeded\""), run.out);
    }

    @Test
    void dumpShowsRecordsWithHeaders() {
        var run = run("dump", "--topic", Topics.GITREPO_EVENTS, "--key", key(B));
        assertEquals(0, run.code, run.err);
        assertEquals(1, run.lines().size(), run.out);
        assertTrue(run.out.contains("\"ce_type\":\"io.gitjob.gitrepo.commit-detected\""), run.out);
        assertTrue(run.out.contains("\"commit\":\"b1\""), run.out);
    }

    @Test
    void republishCopiesExactlyTheSelectedRange() throws Exception {
        String copy = createTopic("copy-" + RUN);
        var run = run("republish", "--topic", Topics.GITJOB_EVENTS, "--from",
                NOW.minus(Duration.ofMinutes(160)).toString(), "--to", NOW.minus(Duration.ofMinutes(30)).toString(),
                "--to-topic", copy);
        assertEquals(0, run.code, run.err);
        assertTrue(run.out.contains("republished 3 record(s)"), run.out);
        try (var kafka = new KafkaTestClient()) {
            List<ConsumerRecord<String, byte[]>> copied = kafka.readFromBeginning(copy);
            assertEquals(List.of("gitjob.created app-1", "gitjob.created other-1", "gitjob.succeeded app-1"),
                    copied.stream().map(r -> CloudEventHeaders.text(r.headers(), CloudEventHeaders.TYPE)
                            .replace("io.gitjob.", "") + " " + jobName(r)).sorted().toList());
        }
    }

    @Test
    void deadLetterRetryPutsOneRecordBackAndRemovesNothing() throws Exception {
        String retriedKey = "team-a/dead-" + RUN;
        String keptKey = "team-a/dead-kept-" + RUN;
        var retried = deadLetter(retriedKey, commit(TestEvents.gitRepo("team-a", "dead-" + RUN), "d1", NOW));
        deadLetter(keptKey, commit(TestEvents.gitRepo("team-a", "dead-kept-" + RUN), "d2", NOW));

        var list = run("dead-letters", "--key", retriedKey);
        assertEquals(0, list.code, list.err);
        assertTrue(list.out.contains("error=not a GitRepoEvent: for the test"), list.out);

        try (var kafka = new KafkaTestClient(); var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            var run = run("dead-letters", "--retry", "--record", retried.partition() + ":" + retried.offset());
            assertEquals(0, run.code, run.err);
            assertTrue(run.out.contains("sent 1 record(s) back"), run.out);
            var back = events.await(r -> retriedKey.equals(r.key()), Duration.ofSeconds(30));
            assertEquals(null, CloudEventHeaders.text(back.headers(), DeadLetterHeaders.REASON));
            assertEquals("io.gitjob.gitrepo.commit-detected", CloudEventHeaders.text(back.headers(),
                    CloudEventHeaders.TYPE));
        }
        assertTrue(run("dead-letters", "--key", keptKey).out.contains(keptKey), "the other dead letter is kept");
        assertTrue(run("dead-letters", "--key", retriedKey).out.contains(retriedKey), "nothing is removed");
    }

    @Test
    void aTokenInARecordOfAnOlderVersionIsNeverPrinted() throws Exception {
        String token = "ghp_WrittenBeforeRedaction";
        String tokenUrl = "https://" + token + "@git.example/r.git";
        GitRepoRef old = TestEvents.gitRepo("team-c", "old-" + RUN);
        // As an older gitjob wrote it: the URL as the user wrote it, in the event and in a dead letter's reason.
        RecordHeaders headers = new RecordHeaders();
        byte[] clean = SERIALIZER.serialize(Topics.GITREPO_EVENTS, headers, commit(old, "o1", NOW));
        byte[] value = new String(clean, StandardCharsets.UTF_8).replace("https://git.example/r.git", tokenUrl)
                .getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(Topics.GITREPO_EVENTS, null, NOW.toEpochMilli(), key(old), value,
                headers)).get(30, TimeUnit.SECONDS);
        headers.add(DeadLetterHeaders.REASON, ("fetch of " + tokenUrl + " failed").getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.TOPIC, Topics.GITREPO_EVENTS.getBytes(StandardCharsets.UTF_8));
        producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS, null, key(old), value, headers))
                .get(30, TimeUnit.SECONDS);

        var dump = run("dump", "--topic", Topics.GITREPO_EVENTS, "--key", key(old));
        assertEquals(0, dump.code, dump.err);
        assertTrue(dump.out.contains("\"repo\":\"https://***@git.example/r.git\""), dump.out);
        var letters = run("dead-letters", "--key", key(old));
        assertEquals(0, letters.code, letters.err);
        assertTrue(letters.out.contains("fetch of https://***@git.example/r.git failed"), letters.out);
        for (Run r : List.of(dump, letters, run("timeline", key(old)), run("timeline", key(old), "--json"),
                run("explain", key(old), "--commit", "o1"), run("explain", key(old), "--commit", "o1", "--json"))) {
            assertTrue(!r.out.contains(token) && !r.err.contains(token), r.out + r.err);
        }
    }

    @Test
    void theWatchersFetchTalliesShowOnlyWhenAskedFor() throws Exception {
        GitRepoRef polled = TestEvents.gitRepo("team-d", "tallied-" + RUN);
        send(commit(polled, "t1", NOW.minusSeconds(120)));
        send(new GitRepoEvent.HeadUnchanged(TestEvents.id(), NOW.minusSeconds(60), polled, 1, 0, "t1",
                NOW.minusSeconds(119), List.of(0.2, 0.3)));
        producer.flush();
        var plain = run("timeline", key(polled));
        assertEquals(0, plain.code, plain.err);
        assertTrue(plain.out.contains("gitrepo.commit-detected"), plain.out);
        assertTrue(!plain.out.contains("gitrepo.head-unchanged"), plain.out);
        var all = run("timeline", key(polled), "--tallies");
        assertTrue(all.out.contains("gitrepo.head-unchanged") && all.out.contains("fetches=2"), all.out);
    }

    @Test
    void aUrlPrintedInPiecesIsStillRedactedWhole() throws Exception {
        StringWriter sink = new StringWriter();
        try (PrintWriter out = new PrintWriter(new RedactingWriter(sink))) {
            out.print("cloning https://ghp_");
            out.print("abc@git.example/x.git");
            out.println(" failed");
            out.print("no newline: https://u:pw@h/x");
        }
        assertEquals("cloning https://***@git.example/x.git failed" + System.lineSeparator()
                + "no newline: https://u:***@h/x", sink.toString());
    }

    @Test
    void everyBadInputHasItsErrorAndExitCode() {
        assertBad(2, "bad time for --from", "timeline", key(A), "--from", "yesterday");
        assertBad(2, "bad span for --since", "timeline", key(A), "--since", "2 hours");
        assertBad(2, "give --since or --from, not both", "timeline", key(A), "--since", "2h", "--from",
                NOW.toString());
        assertBad(2, "bad GitRepo 'just-a-name'", "timeline", "just-a-name");
        assertBad(2, "bad --record", "dead-letters", "--record", "x");
        assertBad(2, "choose a command", new String[0]);
        assertBad(2, "Missing required option", "dump");
        assertBad(2, "republish needs --from", "republish", "--topic", Topics.GITREPO_EVENTS, "--to-topic", "x");
        assertBad(3, "no topic 'no-such-topic'", "dump", "--topic", "no-such-topic");
        assertBad(3, "no topic 'nowhere'", "republish", "--topic", Topics.GITREPO_EVENTS, "--from", NOW.toString(),
                "--to-topic", "nowhere");
        assertBad(4, "did not answer within 2 s", "timeline", key(A), "--bootstrap-servers", "localhost:1",
                "--timeout", "2");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("timeline", "explain", "dump", "republish", "dead-letters")) {
            var run = ReplayCliTest.run(command, "--help");
            assertEquals(0, run.code, command);
            assertTrue(run.out.contains("Usage: replay " + command), run.out);
        }
        var top = run("--help");
        assertTrue(top.out.contains("Exit codes:"), top.out);
    }

    // --- helpers ---

    record Run(int code, String out, String err) {
        List<String> lines() {
            return Arrays.stream(out.split("\n")).filter(l -> !l.isBlank()).toList();
        }
    }

    static Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (all.size() > 0 && !all.contains("--bootstrap-servers") && !all.contains("--help")
                && List.of("timeline", "explain", "dump", "republish", "dead-letters").contains(all.get(0))) {
            all.addAll(List.of("--bootstrap-servers", KafkaBroker.bootstrapServers()));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ReplayCli.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err),
                Clock.fixed(NOW, ZoneOffset.UTC));
        return new Run(code, out.toString(), err.toString());
    }

    private static void assertBad(int code, String message, String... args) {
        var run = run(args);
        assertEquals(code, run.code, String.join(" ", args) + ": " + run.err);
        assertTrue(run.err.contains(message), String.join(" ", args) + ": " + run.err);
    }

    private static void send(Event event) {
        String topic = event instanceof GitRepoEvent ? Topics.GITREPO_EVENTS : Topics.GITJOB_EVENTS;
        RecordHeaders headers = new RecordHeaders();
        byte[] value = SERIALIZER.serialize(topic, headers, event);
        producer.send(new ProducerRecord<>(topic, null, event.time().toEpochMilli(), event.key().toString(), value,
                headers));
    }

    private static org.apache.kafka.clients.producer.RecordMetadata deadLetter(String key, Event event)
            throws Exception {
        RecordHeaders headers = new RecordHeaders();
        byte[] value = SERIALIZER.serialize(Topics.GITREPO_EVENTS, headers, event);
        headers.add(DeadLetterHeaders.REASON, "not a GitRepoEvent: for the test".getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.TOPIC, Topics.GITREPO_EVENTS.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.CONSUMER, "job-service".getBytes(StandardCharsets.UTF_8));
        return producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS, null, key, value, headers))
                .get(30, TimeUnit.SECONDS);
    }

    private static String createTopic(String name) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaBroker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        return name;
    }

    private static GitRepoEvent.CommitDetected commit(GitRepoRef gitRepo, String commit, Instant time) {
        return new GitRepoEvent.CommitDetected(id(), time, gitRepo, 1, 0, "https://git.example/r.git", "main", commit,
                null, 0.2, GitRepoEvent.CommitSource.POLL);
    }

    private static String jobName(ConsumerRecord<String, byte[]> r) {
        return io.gitjob.events.EventCodec.decode(r.value(), GitJobEvent.class).jobName().replaceAll("-\\d+$", "-1")
                .replace("-" + RUN, "");
    }

    private static String key(GitRepoRef gitRepo) {
        return gitRepo.key().toString();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
