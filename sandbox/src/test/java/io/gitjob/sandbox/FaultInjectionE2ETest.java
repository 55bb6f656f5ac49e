package io.gitjob.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.DeadLetterHeaders;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.testing.KafkaTestClient;

/**
 * Issue 14's proof, end to end: gitjob converges after any fault, and a replay under Fleet's status schema changes
 * nothing. The services run as separate processes against a real Kafka broker and the sandbox's Kubernetes API,
 * <b>Fabric8's mock API server</b> storing GitRepos under Fleet's status schema (every other status field pruned,
 * {@link FleetStatusSchema}), with the services' requests going through the API front, where faults are injected
 * ({@link FaultInjector}). The test's own client and the Job runner talk to the mock directly: they are the
 * cluster, and faults must not blind the test's eyes.
 *
 * <p>The fault run: {@value #GITREPOS} GitRepos get commits, spec changes and force syncs over {@value #ROUNDS}
 * rounds while the API front answers a share of requests 429 or 500 or holds them past the client's timeout, and
 * each round one disturbance lands at a random point: {@code kill -9} of job-service, of the watcher or both (then
 * restarted), a SIGSTOP of the broker longer than the producers' delivery timeout (a GitRepo is deleted meanwhile),
 * a SIGSTOP of the API server, a freeze of the API front. After the faults stop, within one resync period: every
 * GitRepo at its last state, no Job name ever created twice (the API server's own record), no series of the deleted
 * GitRepo on metrics-service, no dead letter. It prints one summary line of figures. {@code -Dgitjob.faults.seed=N}
 * replays a run's choices and fault draws (the timing of the processes still varies).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionE2ETest {

    static final int GITREPOS = 6;
    static final int ROUNDS = 8;
    private static final String NS = Sandbox.NAMESPACE;
    private static final long SEED = Long.getLong("gitjob.faults.seed", System.nanoTime() % 1_000_000);
    /** Every service's resync period, short for the test (5 min in production). */
    private static final Duration RESYNC = Duration.ofSeconds(30);
    /**
     * One resync period, plus what the last trigger still sets off: a Job to run (the runner's clone and YAML check)
     * and its success to be written.
     */
    private static final Duration CONVERGENCE = RESYNC.plusSeconds(10);
    /** The producers' delivery timeout, short for the test (Kafka's default is 2 min), and the broker's freeze. */
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(8);
    private static final Duration BROKER_FREEZE = DELIVERY_TIMEOUT.plusSeconds(6);
    private static final Duration API_FREEZE = Duration.ofSeconds(12);
    private static final Duration FRONT_FREEZE = Duration.ofSeconds(8);
    /** Past Fabric8's request timeout (10 s), so the client gives up before the front drops the connection. */
    private static final Duration HANG = Duration.ofSeconds(12);

    private enum Disturbance {
        KILL_JOB_SERVICE, KILL_WATCHER, KILL_BOTH, FREEZE_BROKER, FREEZE_API_SERVER, FREEZE_FRONT, NONE
    }

    private static Sandbox sandbox;
    private static SandboxUser user;
    private static KubernetesClient client;
    private static ConsumerGroups groups;

    @BeforeAll
    static void startSandbox() {
        System.out.println("FaultInjectionE2ETest seed=" + SEED + " (again with -Dgitjob.faults.seed=" + SEED + ")");
        SandboxConfig config = SandboxUser.testConfig("e2e-faults-work");
        config.serviceEnv.put("GITJOB_JOB_RESYNC_PERIOD", RESYNC.toSeconds() + "s");
        config.serviceEnv.put("GITJOB_WATCHER_RESYNC_PERIOD", RESYNC.toSeconds() + "s");
        config.serviceEnv.put("GITJOB_METRICS_RESYNC_PERIOD", RESYNC.toSeconds() + "s");
        // A killed member is noticed after the session timeout (6 s, the broker's minimum). A send the frozen
        // broker cannot take fails after the delivery timeout (which must be at least linger + request timeout).
        // One client-side retry only, so that the API's faults reach the services' own handling instead of being
        // absorbed by Fabric8's retries (10 by default).
        config.serviceEnv.put("JAVA_TOOL_OPTIONS", "-Dkafka.session.timeout.ms=6000 -Dkafka.heartbeat.interval.ms=1000"
                + " -Dkafka.delivery.timeout.ms=" + DELIVERY_TIMEOUT.toMillis() + " -Dkafka.request.timeout.ms=4000"
                + " -Dkafka.linger.ms=0 -Dkubernetes.request.retry.backoffLimit=1");
        config.statusPruning = true;
        config.servicesThroughFront = true;
        sandbox = Sandbox.start(config, System.out::println);
        user = new SandboxUser(sandbox);
        client = user.client();
        groups = new ConsumerGroups(sandbox.bootstrapServers());
    }

    @AfterAll
    static void stopSandbox() {
        if (groups != null) {
            groups.close();
        }
        if (user != null) {
            user.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /**
     * Issue 14's first finding, turned into a test: under Fleet's schema there is no {@code observedEventTime} to
     * guard a replay, so replaying {@code gitrepo-events} from offset 0 must be harmless because of the GitRepos'
     * Fleet status alone. A history of four applied commits (the issue measured four re-applied), a spec change and
     * a force sync, then every consumer group reset to 0: no Job is created, even briefly.
     */
    @Test
    @Order(1)
    void underFleetsStatusSchemaReplayingEveryConsumerGroupFromZeroCreatesNoJob() {
        SampleRepo repo = user.repo("replay");
        sandbox.createGitRepo("replay", repo, List.of("deploy"));
        user.awaitApplied("replay", SandboxUser.headOf(repo));

        // The schema is in force: what Fleet's CRD does not define does not survive a write.
        client.resources(GitRepo.class).inNamespace(NS).withName("replay").editStatus(g -> {
            g.getStatus().setAdditionalProperty("observedEventTime", Instant.now().toString());
            return g;
        });
        assertFalse(statusFields("replay").contains("observedEventTime"), "pruned as Fleet's CRD prunes it");

        String last = null;
        for (int i = 2; i <= 4; i++) {
            last = repo.commit("commit " + i, Map.of("deploy/configmap.yaml", SandboxUser.configMap("v" + i)));
            user.awaitApplied("replay", last);
        }
        user.editSpec("replay", spec -> spec.setPaths(List.of("deploy", ".")));
        String lastCommit = last;
        await().atMost(SandboxUser.WAIT).until(() -> atLastState("replay", lastCommit) == null);
        user.editSpec("replay", spec -> spec.setForceSyncGeneration(1L));
        await().atMost(SandboxUser.WAIT).until(() -> atLastState("replay", lastCommit) == null);
        assertTrue(FleetStatusSchema.STATUS_FIELDS.containsAll(statusFields("replay")), statusFields("replay")
                .toString());
        assertEquals(6, user.seen("replay").size(), "four commits, a spec change, a force sync: " + user.seen("replay"));

        await().atMost(SandboxUser.WAIT).until(() -> groups.all().stream().allMatch(g -> groups.lag(g) == 0));
        List<JobCreations.Created> before = sandbox.faults().jobCreations();
        GitRepoStatus statusBefore = user.status("replay");
        Set<String> running = groups.all();
        assertEquals(Set.of("watcher-service", "job-service", "metrics-service"), running);

        groups.replayEveryGroupFromZero(sandbox, running);
        // What a replayed event would do (a Job) happens within moments of being read; an absence needs a window to
        // be seen: watched throughout, not slept through.
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6))
                .until(() -> sandbox.faults().jobCreations().size() == before.size());

        assertEquals(before, sandbox.faults().jobCreations(), "no Job was created, even briefly");
        assertEquals(null, atLastState("replay", lastCommit));
        assertEquals(statusBefore.getCommit(), user.status("replay").getCommit());
    }

    @Test
    @Order(2)
    @Timeout(300)
    void afterFaultsOfEveryKindEveryGitRepoReachesItsLastStateWithinOneResyncPeriod() throws Exception {
        Random random = new Random(SEED);
        Map<String, SampleRepo> live = new LinkedHashMap<>();
        for (int i = 0; i < GITREPOS; i++) {
            String name = "fault-" + i;
            live.put(name, user.repo(name));
            sandbox.createGitRepo(name, live.get(name), List.of("deploy"));
        }
        live.forEach((name, repo) -> user.awaitApplied(name, SandboxUser.headOf(repo)));

        FaultsClient faults = sandbox.faults();
        Map<TopicPartition, Long> deadLettersBefore = groups.endOffsets(Topics.DEAD_LETTERS);
        int creationsBefore = faults.jobCreations().size();
        Figures figures = new Figures();
        faults.plan(SEED, List.of(
                FaultRule.tooManyRequests(0.15),
                FaultRule.serverError(0.08),
                FaultRule.hang(0.05, HANG).onVerbs("create", "update", "patch", "delete").appliedFirst(),
                FaultRule.hang(0.02, HANG).onVerbs("get", "list", "watch")));

        List<Disturbance> schedule = new ArrayList<>(List.of(Disturbance.KILL_JOB_SERVICE, Disturbance.KILL_WATCHER,
                Disturbance.KILL_BOTH, Disturbance.FREEZE_BROKER, Disturbance.FREEZE_API_SERVER,
                Disturbance.FREEZE_FRONT, Disturbance.NONE, Disturbance.NONE));
        Collections.shuffle(schedule, random);
        String deleted = "fault-" + (GITREPOS - 1);
        for (int round = 0; round < ROUNDS; round++) {
            for (String name : live.keySet()) {
                change(name, live.get(name), round, random, true, figures);
            }
            // A random point of the round: the changes are in flight when the disturbance lands.
            pause(Duration.ofMillis(random.nextInt(3000)));
            disturb(schedule.get(round), live, deleted, round, random, figures);
        }
        faults.clear();
        faults.thaw();
        // A process that exited by itself is started again, as the kubelet restarts a container; it is reported.
        for (Sandbox.Service s : Sandbox.Service.values()) {
            if (!sandbox.process(s).isAlive()) {
                figures.died.add(s.module);
                startAgain(s, figures);
            }
        }
        long stoppedAt = System.nanoTime();

        // Within one resync period: every GitRepo at its last state, the deleted one gone with its Jobs.
        List<String> off;
        try {
            await().atMost(CONVERGENCE).pollInterval(Duration.ofSeconds(1))
                    .until(() -> notAtLastState(live).isEmpty() && client.resources(GitRepo.class).inNamespace(NS)
                            .withName(deleted).get() == null && user.jobsOf(deleted).isEmpty());
            off = List.of();
        } catch (ConditionTimeoutException e) {
            off = notAtLastState(live);
        }
        double convergedIn = (System.nanoTime() - stoppedAt) / 1e9;
        boolean seriesLeft;
        try {
            await().atMost(RESYNC).until(() -> SandboxUser.seriesOf(user.scrape(), deleted).isEmpty());
            seriesLeft = false;
        } catch (ConditionTimeoutException e) {
            seriesLeft = true;
        }

        // The API server's own record, since it started: a Job name created twice is a state applied twice (the
        // name is a hash of the GitRepo, its repo, commit, generation and forceSyncGeneration).
        List<JobCreations.Created> everJobs = faults.jobCreations();
        int createdDuringRun = everJobs.size() - creationsBefore;
        Map<String, Long> perName = everJobs.stream()
                .collect(Collectors.groupingBy(JobCreations.Created::name, TreeMap::new, Collectors.counting()));
        List<String> twice = perName.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(e -> e.getKey() + " x" + e.getValue()).toList();

        List<String> deadLetters = deadLettersSince(deadLettersBefore);
        Map<String, Long> injected = faults.injected();
        System.out.println(String.format("FAULT INJECTION seed=%d | faults: 429=%d 500=%d hang=%d frozen-requests=%d "
                + "kill-job=%d kill-watcher=%d broker-freezes=%d (%ds) api-freezes=%d (%ds) front-freezes=%d (%ds) | "
                + "changes: commits=%d spec=%d force-sync=%d deleted=%d | jobs created=%d | lost=%d applied-twice=%d "
                + "dead-letters=%d series-left=%s failed-starts=%d died=%d | converged in %.1f s (limit %d s)",
                SEED, injected.getOrDefault(FaultRule.TOO_MANY_REQUESTS, 0L),
                injected.getOrDefault(FaultRule.SERVER_ERROR, 0L), injected.getOrDefault(FaultRule.HANG, 0L),
                injected.getOrDefault(FaultInjector.FROZEN, 0L), figures.killsOfJobService, figures.killsOfWatcher,
                figures.brokerFreezes, BROKER_FREEZE.toSeconds(), figures.apiFreezes, API_FREEZE.toSeconds(),
                figures.frontFreezes, FRONT_FREEZE.toSeconds(), figures.commits, figures.specChanges,
                figures.forceSyncs, figures.deletions, createdDuringRun, off.size(), twice.size(), deadLetters.size(),
                seriesLeft, figures.failedStarts.size(), figures.died.size(), convergedIn, CONVERGENCE.toSeconds()));

        assertEquals(List.of(), off, "every GitRepo at its last state within one resync period");
        assertEquals(List.of(), twice, "no Job name created twice");
        assertFalse(seriesLeft, "no series of the deleted GitRepo " + deleted + " on metrics-service");
        assertEquals(List.of(), deadLetters, "no record dead-lettered: every fault of this run was transient");
        assertEquals(List.of(), figures.failedStarts, "no service failed to start while the API misbehaved");
        assertEquals(List.of(), figures.died, "no service died by itself");
    }

    // --- the run ---

    /** One change of a GitRepo: a commit (half the time), a spec change, a force sync, or nothing. */
    private static void change(String name, SampleRepo repo, int round, Random random, boolean apiUp,
            Figures figures) {
        int pick = random.nextInt(10);
        if (pick < 5 || (!apiUp && pick < 9)) {
            repo.commit("round " + round, Map.of("deploy/configmap.yaml",
                    SandboxUser.configMap(name + "-" + round + "-" + random.nextInt(1000))));
            figures.commits++;
        } else if (pick < 7) {
            user.editSpec(name, spec -> spec.setPaths(spec.getPaths().size() == 1 ? List.of("deploy", ".")
                    : List.of("deploy")));
            figures.specChanges++;
        } else if (pick < 9) {
            user.editSpec(name, spec -> spec.setForceSyncGeneration(
                    (spec.getForceSyncGeneration() == null ? 0 : spec.getForceSyncGeneration()) + 1));
            figures.forceSyncs++;
        }
    }

    private static void disturb(Disturbance disturbance, Map<String, SampleRepo> live, String deleted, int round,
            Random random, Figures figures) {
        switch (disturbance) {
            case KILL_JOB_SERVICE, KILL_WATCHER, KILL_BOTH -> {
                List<Sandbox.Service> victims = disturbance == Disturbance.KILL_JOB_SERVICE
                        ? List.of(Sandbox.Service.JOB) : disturbance == Disturbance.KILL_WATCHER
                                ? List.of(Sandbox.Service.WATCHER) : List.of(Sandbox.Service.JOB, Sandbox.Service.WATCHER);
                victims.forEach(sandbox::kill);
                figures.killsOfJobService += victims.contains(Sandbox.Service.JOB) ? 1 : 0;
                figures.killsOfWatcher += victims.contains(Sandbox.Service.WATCHER) ? 1 : 0;
                // Changes while they are down, picked up by whoever comes back.
                live.forEach((name, repo) -> change(name, repo, round, random, true, figures));
                pause(Duration.ofMillis(1000 + random.nextInt(3000)));
                victims.forEach(victim -> startAgain(victim, figures));
            }
            case FREEZE_BROKER -> {
                sandbox.freeze(Sandbox.Infrastructure.KAFKA);
                figures.brokerFreezes++;
                live.forEach((name, repo) -> change(name, repo, round, random, true, figures));
                // Deleted while nothing reaches Kafka: its gitrepo.deleted publish fails, a resync must notice.
                if (live.containsKey(deleted)) {
                    user.delete(deleted);
                    live.remove(deleted);
                    figures.deletions++;
                }
                pause(BROKER_FREEZE);
                sandbox.thaw(Sandbox.Infrastructure.KAFKA);
            }
            case FREEZE_API_SERVER -> {
                sandbox.freeze(Sandbox.Infrastructure.KUBE_API);
                figures.apiFreezes++;
                // Only Git moves meanwhile: the test's own client cannot reach a frozen API server either.
                live.forEach((name, repo) -> change(name, repo, round, random, false, figures));
                pause(API_FREEZE);
                sandbox.thaw(Sandbox.Infrastructure.KUBE_API);
            }
            case FREEZE_FRONT -> {
                sandbox.faults().freeze();
                figures.frontFreezes++;
                // Edits the services cannot see until the front thaws (the test's client goes to the mock).
                live.forEach((name, repo) -> change(name, repo, round, random, true, figures));
                pause(FRONT_FREEZE);
                sandbox.faults().thaw();
            }
            case NONE -> pause(Duration.ofSeconds(2));
        }
    }

    /**
     * Starts a killed service again; a start that fails (the process exits, as a service whose startup cannot
     * stand a fault of the API does) is tried again, as the kubelet restarts a crashed container, and recorded.
     */
    private static void startAgain(Sandbox.Service service, Figures figures) {
        for (int attempt = 1;; attempt++) {
            try {
                sandbox.startAgain(service);
                return;
            } catch (IllegalStateException e) {
                figures.failedStarts.add(service.module + ": " + e.getMessage());
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** A scheduled pause: the length of a disturbance or the point at which it lands, not a wait for a condition. */
    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static final class Figures {
        int commits;
        int specChanges;
        int forceSyncs;
        int deletions;
        int killsOfJobService;
        int killsOfWatcher;
        int brokerFreezes;
        int apiFreezes;
        int frontFreezes;
        final List<String> failedStarts = new ArrayList<>();
        final List<String> died = new ArrayList<>();
    }

    // --- what is checked ---

    /** Each GitRepo not at its last state, with what it has. */
    private static List<String> notAtLastState(Map<String, SampleRepo> live) {
        List<String> off = new ArrayList<>();
        live.forEach((name, repo) -> {
            String why = atLastState(name, SandboxUser.headOf(repo));
            if (why != null) {
                off.add(why);
            }
        });
        return off;
    }

    /**
     * Null if the GitRepo is at its last state: its last commit applied by a succeeded Job ({@code status.commit},
     * {@code Current}) for its last generation and forceSyncGeneration, no Job left; else what it has instead.
     */
    private static String atLastState(String name, String commit) {
        GitRepo gitRepo = client.resources(GitRepo.class).inNamespace(NS).withName(name).get();
        if (gitRepo == null) {
            return name + ": gone";
        }
        GitRepoStatus s = gitRepo.getStatus() == null ? new GitRepoStatus() : gitRepo.getStatus();
        long generation = gitRepo.getMetadata().getGeneration();
        long forceSync = orZero(gitRepo.getSpec().getForceSyncGeneration());
        List<String> jobs = user.jobsOf(name).stream().map(j -> j.getMetadata().getName()).toList();
        boolean there = commit.equals(s.getCommit()) && "Current".equals(s.getGitJobStatus())
                && Objects.equals(generation, s.getObservedGeneration()) && forceSync == orZero(s.getUpdateGeneration())
                && jobs.isEmpty();
        return there ? null : String.format("%s wants %.7s gen %d force %d; has %.7s %s gen %s force %s jobs %s", name,
                commit, generation, forceSync, s.getCommit(), s.getGitJobStatus(), s.getObservedGeneration(),
                s.getUpdateGeneration(), jobs);
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    /** The GitRepo's status fields as stored (not through the typed model, which would hide none anyway). */
    @SuppressWarnings("unchecked")
    private static Set<String> statusFields(String name) {
        GenericKubernetesResource stored = client.genericKubernetesResources(GitRepo.API_VERSION, GitRepo.KIND)
                .inNamespace(NS).withName(name).get();
        Object status = stored.getAdditionalProperties().get("status");
        return status instanceof Map<?, ?> map ? new TreeSet<>((Set<String>) map.keySet()) : Set.of();
    }

    /** Each record dead-lettered since {@code before}, with the reason its service gave. */
    private static List<String> deadLettersSince(Map<TopicPartition, Long> before) {
        Map<TopicPartition, Long> now = groups.endOffsets(Topics.DEAD_LETTERS);
        if (now.equals(before)) {
            return List.of();
        }
        List<String> records = new ArrayList<>();
        try (KafkaTestClient kafka = new KafkaTestClient(sandbox.bootstrapServers())) {
            for (ConsumerRecord<String, byte[]> r : kafka.readFromBeginning(Topics.DEAD_LETTERS)) {
                if (r.offset() >= before.getOrDefault(new TopicPartition(r.topic(), r.partition()), 0L)) {
                    StringBuilder line = new StringBuilder(String.valueOf(r.key()));
                    for (String name : List.of(DeadLetterHeaders.CONSUMER, DeadLetterHeaders.TOPIC,
                            DeadLetterHeaders.EXCEPTION_CLASS, DeadLetterHeaders.REASON)) {
                        Header h = r.headers().lastHeader(name);
                        line.append(' ').append(name).append('=')
                                .append(h == null ? null : new String(h.value(), StandardCharsets.UTF_8));
                    }
                    records.add(line.toString());
                }
            }
        }
        if (records.isEmpty()) {
            fail("gitjob-dead-letters grew from " + before + " to " + now + " but no record could be read");
        }
        return records;
    }
}
