package io.gitjob.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.gitjob.events.Event;
import io.gitjob.events.EventSerializer;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitJobEvent.JobDecided;
import io.gitjob.events.GitJobEvent.SeenJob;
import io.gitjob.events.GitJobEvent.SeenState;
import io.gitjob.events.GitJobEvent.TerminationCause;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoEvent.CommitSource;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.Topics;
import io.gitjob.testing.KafkaBroker;
import io.gitjob.testing.TestEvents;

/**
 * {@code explain}, one test per answer, against a real broker: each GitRepo's history is sent as job-service and
 * the watcher would send it (decisions included), with ordinary Kafka clients, then explained.
 */
class ExplainCommandTest {

    static final Instant NOW = ReplayCliTest.NOW;
    static final String REPO = "https://git.example/r.git";
    static KafkaProducer<String, byte[]> producer;
    static final EventSerializer SERIALIZER = new EventSerializer();

    @BeforeAll
    static void producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(p);
    }

    @AfterAll
    static void close() {
        producer.close();
    }

    @Test
    void appliedCommit() throws Exception {
        GitRepoRef g = gitRepo("applied");
        send(appliedHistory(g));
        JsonNode x = explainJson(g, "--commit", "c1");
        assertEquals("applied", x.get("outcome").asText(), x.toString());
        assertEquals("POLL", x.get("firstSeen").get("source").asText());
        assertEquals(2, x.get("decisions").size(), x.toString());
        assertEquals("app-c1", x.get("jobs").get(0).get("name").asText());
        assertEquals(List.of("gitjob.created", "gitjob.succeeded", "gitjob.deleted"),
                types(x.get("jobs").get(0).get("events")));

        var text = run("explain", key(g));
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("answer: applied: Job app-c1 succeeded at " + at(40) + " in 30.0 s, deleted at "
                + at(41) + " by job-service (succeeded)"), text.out());
        assertTrue(text.out().contains("first seen: " + at(10) + " by poll (the first commit of the GitRepo)"),
                text.out());
        assertTrue(text.out().contains("create Job app-c1 for commit c1  because wanted state: commit c1"), text.out());
    }

    @Test
    void failedJobIsKept() throws Exception {
        GitRepoRef g = gitRepo("failed");
        send(commit(g, "c1", null, 10, CommitSource.WEBHOOK),
                decided(g, 11, "gitrepo.commit-detected", seen("c1", null, false), "done",
                        "wanted state: commit c1, generation 1, forceSyncGeneration 0", "create Job app-c1 for commit c1"),
                new GitJobEvent.JobCreated(id(), at(12), g, 1, 0, "app-c1", "c1"),
                new GitJobEvent.JobFailed(id(), at(50), g, 1, 0, "app-c1", "c1", "BackoffLimitExceeded",
                        "bad.yaml: mapping values are not allowed\n"),
                decided(g, 51, "job-changed", seen("c1", "c1", false, new SeenJob("app-c1", "c1", "Failed")), "done",
                        "Job app-c1 failed: BackoffLimitExceeded; Job app-c1 for the wanted state exists",
                        "report failed Job app-c1"));
        var run = run("explain", key(g), "--commit", "c1");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("answer: failed: Job app-c1 failed at " + at(50)
                + " (BackoffLimitExceeded: bad.yaml: mapping values are not allowed), kept for troubleshooting"),
                run.out());
        assertTrue(run.out().contains("by webhook"), run.out());
        assertTrue(run.out().contains("decisions (2):"), run.out());
        assertEquals("failed", explainJson(g).get("outcome").asText());
    }

    @Test
    void skippedWhilePaused() throws Exception {
        GitRepoRef g = gitRepo("paused");
        send(commit(g, "c1", null, 10, CommitSource.POLL),
                decided(g, 11, "gitrepo.commit-detected", seen("c1", null, true), "decided",
                        "GitRepo is paused: commit c1 waits"));
        JsonNode x = explainJson(g);
        assertEquals("c1", x.get("commit").asText());
        assertEquals("paused", x.get("outcome").asText(), x.toString());
        assertEquals(0, x.get("jobs").size());
        assertEquals("skipped while paused: no Job was made: GitRepo is paused: commit c1 waits",
                x.get("answer").asText());

        var timeline = run("timeline", key(g));
        assertEquals(2, timeline.lines().size(), timeline.out());
        assertTrue(timeline.lines().get(1).contains("gitjob.decided") && timeline.lines().get(1).contains(
                "trigger=gitrepo.commit-detected wanted=c1 outcome=decided actions=[] reason=GitRepo is paused: "
                        + "commit c1 waits"), timeline.out());
    }

    @Test
    void supersededByANewerCommit() throws Exception {
        GitRepoRef g = gitRepo("superseded");
        send(commit(g, "c1", null, 10, CommitSource.POLL),
                decided(g, 11, "gitrepo.commit-detected", seen("c1", null, false), "done",
                        "wanted state: commit c1, generation 1, forceSyncGeneration 0", "create Job app-c1 for commit c1"),
                new GitJobEvent.JobCreated(id(), at(12), g, 1, 0, "app-c1", "c1"),
                commit(g, "c2", "c1", 20, CommitSource.WEBHOOK),
                decided(g, 21, "gitrepo.commit-detected", seen("c2", "c1", false,
                        new SeenJob("app-c1", "c1", "Running")), "done",
                        "Job app-c1 is replaced; wanted state: commit c2, generation 1, forceSyncGeneration 0",
                        "terminate Job app-c1 (NEW_COMMIT)", "create Job app-c2 for commit c2"),
                new GitJobEvent.JobTerminated(id(), at(22), g, 1, 0, "app-c1", "c1", TerminationCause.NEW_COMMIT),
                new GitJobEvent.JobCreated(id(), at(23), g, 1, 0, "app-c2", "c2"));
        JsonNode x = explainJson(g, "--commit", "c1");
        assertEquals("superseded", x.get("outcome").asText(), x.toString());
        assertEquals(2, x.get("decisions").size(), "the decision that replaced its Job concerns c1 too: " + x);
        assertEquals("superseded by a newer commit c2: Job app-c1 (generation 1) was terminated at " + at(22),
                x.get("answer").asText());

        JsonNode latest = explainJson(g);
        assertEquals("c2", latest.get("commit").asText(), "without --commit: the latest commit seen");
        assertEquals("running", latest.get("outcome").asText(), latest.toString());
    }

    @Test
    void replacedByASpecChange() throws Exception {
        GitRepoRef g = gitRepo("spec");
        send(commit(g, "c1", null, 10, CommitSource.POLL),
                decided(g, 11, "gitrepo.commit-detected", seen("c1", null, false), "done",
                        "wanted state: commit c1, generation 1, forceSyncGeneration 0", "create Job app-c1-g1 for commit c1"),
                new GitJobEvent.JobCreated(id(), at(12), g, 1, 0, "app-c1-g1", "c1"),
                new GitRepoEvent.SpecChanged(id(), at(15), g, 2, 0, TestEvents.spec(REPO), 1, "c1"),
                decided(g, 16, 2, "gitrepo.spec-changed", seen("c1", "c1", false,
                        new SeenJob("app-c1-g1", "c1", "Running")), "done",
                        "Job app-c1-g1 is replaced; wanted state: commit c1, generation 2, forceSyncGeneration 0",
                        "terminate Job app-c1-g1 (SPEC_CHANGED)", "create Job app-c1-g2 for commit c1"),
                new GitJobEvent.JobTerminated(id(), at(17), g, 1, 0, "app-c1-g1", "c1", TerminationCause.SPEC_CHANGED),
                new GitJobEvent.JobCreated(id(), at(18), g, 2, 0, "app-c1-g2", "c1"),
                new GitJobEvent.JobSucceeded(id(), at(30), g, 2, 0, "app-c1-g2", "c1", 12));
        JsonNode x = explainJson(g, "--commit", "c1");
        assertEquals("applied", x.get("outcome").asText(), "the second Job applied it: " + x);
        assertEquals("replaced-by-spec-change", x.get("jobs").get(0).get("outcome").asText(), x.toString());
        assertEquals("replaced by a spec change (generation 1 -> 2 at " + at(15) + "): Job app-c1-g1 (generation 1) "
                + "was terminated at " + at(17) + "; then applied: Job app-c1-g2 succeeded at " + at(30) + " in 12.0 s",
                x.get("answer").asText());
    }

    @Test
    void neverSeenWhileFetchesFail() throws Exception {
        GitRepoRef g = gitRepo("never");
        send(commit(g, "c0", null, -200, CommitSource.POLL),
                fetchFailed(g, 10, "TransportException", "https://git.example/r.git: not authorized"),
                fetchFailed(g, 25, "TransportException", "https://git.example/r.git: not authorized"),
                fetchFailed(g, 40, "UnknownHostException", "git.example"));
        var run = run("explain", key(g), "--commit", "deadbeef", "--from", at(0).toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("answer: commit deadbeef was never seen from " + at(0) + " to now; 3 fetch(es) of "
                + REPO + " failed, from " + at(10) + " to " + at(40) + ", last: UnknownHostException: git.example; "
                + "no commit was detected"), run.out());
        assertEquals(3, run.lines().stream().filter(l -> l.contains("fetch failed")).count(), run.out());

        JsonNode whole = explainJson(g, "--commit", "deadbeef");
        assertEquals("never-seen", whole.get("outcome").asText());
        assertEquals("c0", whole.get("polling").get("lastCommitDetected").asText(), "the poll before the failures");
    }

    @Test
    void aReplayedTopicChangesNoAnswer() throws Exception {
        GitRepoRef g = gitRepo("replayed");
        List<Event> history = appliedHistory(g);
        send(history);
        JsonNode before = explainJson(g);
        send(history); // the same records again, as a consumer-group reset or a republish into the topic leaves them
        JsonNode after = explainJson(g);
        assertEquals(history.size(), after.get("duplicatesIgnored").asInt(), after.toString());
        assertEquals(0, before.get("duplicatesIgnored").asInt());
        for (String field : List.of("commit", "outcome", "answer", "firstSeen", "decisions", "jobs")) {
            assertEquals(before.get(field), after.get(field), field);
        }
        assertEquals(2, after.get("decisions").size(), "no decision counted twice");
        var text = run("explain", key(g));
        assertTrue(text.out().contains("decisions (2):"), text.out());
        assertTrue(text.out().contains("(" + history.size() + " event(s) read twice counted once"), text.out());
    }

    @Test
    void anEarlierGitRepoOfTheSameNameAndADryRunAnswerNothing() throws Exception {
        GitRepoRef before = gitRepo("recreated");
        GitRepoRef now = new GitRepoRef(before.namespace(), before.name(), before.uid() + "-2");
        // The deleted predecessor applied c1; the GitRepo of that name now is paused and made no Job.
        send(appliedHistory(before));
        send(commit(now, "c1", null, 50, CommitSource.POLL),
                new JobDecided(id(), at(51), now, 1, 0, null, "gitrepo.commit-detected", seen("c1", null, false),
                        List.of("create Job app-c1 for commit c1"), "wanted state: commit c1", "dry-run", true),
                decided(now, 52, "gitrepo.commit-detected", seen("c1", null, true), "decided",
                        "GitRepo is paused: commit c1 waits"));
        JsonNode x = explainJson(now, "--commit", "c1");
        assertEquals("paused", x.get("outcome").asText(), x.toString());
        assertEquals(0, x.get("jobs").size(), "the predecessor's Job is not this GitRepo's: " + x);
        assertEquals(1, x.get("decisions").size(), "a dry run's decision is not what happened: " + x);
    }

    @Test
    void badInput() {
        var unknown = run("explain", key(gitRepo("empty")), "--json");
        assertEquals(0, unknown.code(), unknown.err());
        assertTrue(unknown.out().contains("\"outcome\":\"never-seen\""), unknown.out());
        assertTrue(unknown.out().contains("\"commit\":null"), unknown.out());
        var blank = run("explain", key(gitRepo("empty")), "--commit", " ");
        assertEquals(2, blank.code());
        assertTrue(blank.err().contains("--commit must not be empty"), blank.err());
        var badKey = run("explain", "no-slash");
        assertEquals(2, badKey.code());
        assertFalse(badKey.err().isBlank());
    }

    // --- histories and events ---

    private static List<Event> appliedHistory(GitRepoRef g) {
        return List.of(commit(g, "c1", null, 10, CommitSource.POLL),
                decided(g, 11, "gitrepo.commit-detected", seen("c1", null, false), "done",
                        "wanted state: commit c1, generation 1, forceSyncGeneration 0", "create Job app-c1 for commit c1"),
                new GitJobEvent.JobCreated(id(), at(12), g, 1, 0, "app-c1", "c1"),
                new GitJobEvent.JobSucceeded(id(), at(40), g, 1, 0, "app-c1", "c1", 30),
                new GitJobEvent.JobDeleted(id(), at(41), g, 1, 0, "app-c1", "c1", GitJobEvent.DeletedBy.JOB_SERVICE,
                        "succeeded"),
                decided(g, 45, "resync", seen("c1", "c1", false), "decided",
                        "commit c1 is Current at generation 1 and forceSyncGeneration 0"));
    }

    private static SeenState seen(String wanted, String current, boolean paused, SeenJob... jobs) {
        return new SeenState(true, paused, false, wanted, current, 1, 0, current == null ? null : "Current", "fleet",
                List.of(jobs));
    }

    private static JobDecided decided(GitRepoRef g, int minute, String trigger, SeenState seen, String outcome,
            String reason, String... actions) {
        return decided(g, minute, 1, trigger, seen, outcome, reason, actions);
    }

    private static JobDecided decided(GitRepoRef g, int minute, long generation, String trigger, SeenState seen,
            String outcome, String reason, String... actions) {
        return new JobDecided(id(), at(minute), g, generation, 0, null, trigger, seen, List.of(actions), reason,
                outcome, false);
    }

    private static GitRepoEvent.CommitDetected commit(GitRepoRef g, String commit, String previous, int minute,
            CommitSource source) {
        return new GitRepoEvent.CommitDetected(id(), at(minute), g, 1, 0, REPO, "main", commit, previous, 0.2, source);
    }

    private static GitRepoEvent.CommitFetchFailed fetchFailed(GitRepoRef g, int minute, String errorClass,
            String message) {
        return new GitRepoEvent.CommitFetchFailed(id(), at(minute), g, 1, 0, REPO, errorClass, message, 0.1);
    }

    /** Minutes into the story, which starts six hours before now: before ReplayCliTest's ranges on the same topics. */
    private static Instant at(int minute) {
        return NOW.minus(Duration.ofHours(6)).plus(Duration.ofMinutes(minute));
    }

    // --- helpers ---

    private static GitRepoRef gitRepo(String name) {
        return TestEvents.gitRepo("explain", name + "-" + ReplayCliTest.RUN);
    }

    private static void send(Event... events) throws Exception {
        send(List.of(events));
    }

    private static void send(List<Event> events) throws Exception {
        for (Event event : events) {
            String topic = event instanceof GitRepoEvent ? Topics.GITREPO_EVENTS : Topics.GITJOB_EVENTS;
            RecordHeaders headers = new RecordHeaders();
            byte[] value = SERIALIZER.serialize(topic, headers, event);
            producer.send(new ProducerRecord<>(topic, null, event.time().toEpochMilli(), event.key().toString(), value,
                    headers)).get();
        }
    }

    private static JsonNode explainJson(GitRepoRef g, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("explain", key(g), "--json"));
        args.addAll(List.of(more));
        var run = run(args.toArray(String[]::new));
        assertEquals(0, run.code(), run.err());
        assertEquals(1, run.lines().size(), "one JSON object: " + run.out());
        return RecordJson.MAPPER.readTree(run.out());
    }

    private static List<String> types(JsonNode events) {
        List<String> types = new ArrayList<>();
        events.forEach(e -> types.add(e.get("type").asText()));
        return types;
    }

    private static ReplayCliTest.Run run(String... args) {
        return ReplayCliTest.run(args);
    }

    private static String key(GitRepoRef g) {
        return g.key().toString();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
