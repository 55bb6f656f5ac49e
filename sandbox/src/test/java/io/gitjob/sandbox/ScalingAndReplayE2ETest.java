package io.gitjob.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.gitjob.events.GitRepoKey;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.testing.Scrape;

/**
 * Seed scenarios 8 and 7, end to end: replaying every consumer group from offset 0 while the system runs, then
 * two replicas of job-service and metrics-service with one of each killed ({@code kill -9}) mid-stream. The
 * services run as separate processes against a real Kafka broker and the sandbox's Kubernetes API, which is
 * <b>Fabric8's mock API server</b> with the sandbox's Job runner playing the kubelet. The replay runs first: it
 * needs a metrics-service that has read every event since the start, which a killed replica's successor has not.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScalingAndReplayE2ETest {

    private static final Duration WAIT = SandboxUser.WAIT;
    private static final Duration GAUGE_TTL = Duration.ofSeconds(6);
    private static final int PARTITIONS = 4;
    private static final String CREATED = "fleet_gitjobs_created_success_total";
    private static final String DURATION_COUNT = "fleet_gitjob_duration_seconds_count";
    private static final String NS = Sandbox.NAMESPACE;

    private static Sandbox sandbox;
    private static SandboxUser user;
    private static ConsumerGroups groups;

    @BeforeAll
    static void startSandbox() {
        SandboxConfig config = SandboxUser.testConfig("e2e-scaling-work");
        config.partitions = PARTITIONS;
        config.serviceEnv.put("GITJOB_METRICS_SHORT_LIVED_TTL", GAUGE_TTL.toSeconds() + "s");
        // A replica killed with SIGKILL never leaves its group: the broker notices after the session timeout
        // (45 s by default; 6 s is the broker's minimum).
        config.serviceEnv.put("JAVA_TOOL_OPTIONS", "-Dkafka.session.timeout.ms=6000 -Dkafka.heartbeat.interval.ms=1000");
        sandbox = Sandbox.start(config, System.out::println);
        user = new SandboxUser(sandbox);
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

    /** Scenario 8: every consumer group reset to offset 0, one service at a time: nothing changes. */
    @Test
    @Order(1)
    void resettingEveryConsumerGroupToOffsetZeroChangesNothingInTheClusterOrTheMetrics() throws Exception {
        // A history worth replaying: two commits, a spec change, a failed Job kept, a deleted GitRepo.
        SampleRepo applied = user.repo("replay-applied");
        sandbox.createGitRepo("replay-applied", applied, List.of("deploy"));
        user.awaitApplied("replay-applied", SandboxUser.headOf(applied));
        user.awaitApplied("replay-applied", applied.commit("second", Map.of("deploy/configmap.yaml",
                SandboxUser.configMap("two"))));
        user.editSpec("replay-applied", spec -> spec.setPaths(List.of("deploy", ".")));
        await().atMost(WAIT).until(() -> user.seen("replay-applied").size() == 3
                && user.jobsOf("replay-applied").isEmpty());

        SampleRepo failing = user.repo("replay-failed");
        sandbox.createGitRepo("replay-failed", failing, List.of("deploy"));
        user.awaitApplied("replay-failed", SandboxUser.headOf(failing));
        failing.commit("break it", Map.of("deploy/configmap.yaml", SandboxUser.brokenYaml()));
        await().atMost(WAIT).until(() -> "Failed".equals(user.status("replay-failed").getGitJobStatus()));

        SampleRepo gone = user.repo("replay-deleted");
        sandbox.createGitRepo("replay-deleted", gone, List.of("deploy"));
        user.awaitApplied("replay-deleted", SandboxUser.headOf(gone));
        user.delete("replay-deleted");
        await().atMost(WAIT).until(() -> SandboxUser.seriesOf(user.scrape(), "replay-deleted").isEmpty()
                && user.jobsOf("replay-deleted").isEmpty());

        // Every gauge has lived its TTL: a replay must not bring one back.
        await().atMost(WAIT).until(() -> SandboxUser.gitRepoSeries(user.scrape()).stream()
                .noneMatch(l -> l.startsWith("fleet_gitjob_duration_seconds_gauge")));
        await().atMost(WAIT).until(() -> allGroups().stream().allMatch(g -> lag(g) == 0));
        Map<String, Set<String>> jobsBefore = user.seen();
        List<String> clusterBefore = clusterState();
        List<String> seriesBefore = SandboxUser.gitRepoSeries(user.scrape());
        assertFalse(seriesBefore.isEmpty());

        Set<String> running = allGroups();
        assertEquals(Set.of("watcher-service", "job-service", "metrics-service"), running,
                "the consumer groups of a running gitjob");
        groups.replayEveryGroupFromZero(sandbox, running);
        // What the replayed events would do (a Job, a status write, a series) happens within moments of being
        // read; an absence needs a window to be seen: watched throughout, not slept through.
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6))
                .until(() -> user.seen().equals(jobsBefore) && clusterState().equals(clusterBefore)
                        && SandboxUser.gitRepoSeries(user.scrape()).equals(seriesBefore));

        assertEquals(jobsBefore, user.seen(), "no Job was created, even briefly");
        assertEquals(clusterBefore, clusterState());
        assertEquals(seriesBefore, SandboxUser.gitRepoSeries(user.scrape()));
    }

    /** Scenario 7: two replicas each of job-service and metrics-service; one of each dies mid-stream. */
    @Test
    @Order(2)
    void killingAReplicaOfEachMidStreamLosesNoChangeAndDuplicatesNothing() throws Exception {
        ChildProcess job2 = sandbox.startReplica(Sandbox.Service.JOB, "job-service-2", Ports.anyFree());
        int metrics2Port = Ports.anyFree();
        ChildProcess metrics2 = sandbox.startReplica(Sandbox.Service.METRICS, "metrics-service-2", metrics2Port);
        String metrics1 = sandbox.url(Sandbox.Service.METRICS);
        String metrics2Url = "http://localhost:" + metrics2Port;
        await().atMost(WAIT).until(() -> membersWithPartitions("job-service") == 2
                && membersWithPartitions("metrics-service") == 2);

        // GitRepos on every partition, so that each replica has some (the range assignor splits 0-1 and 2-3).
        List<String> names = namesCovering(PARTITIONS, 2);
        Map<String, SampleRepo> repos = new LinkedHashMap<>();
        for (String name : names) {
            repos.put(name, user.repo(name));
            sandbox.createGitRepo(name, repos.get(name), List.of("deploy"));
        }
        Map<String, List<String>> commits = new HashMap<>();
        repos.forEach((name, repo) -> commits.put(name, new ArrayList<>(List.of(SandboxUser.headOf(repo)))));
        names.forEach(name -> user.awaitApplied(name, commits.get(name).get(0)));

        // Each GitRepo's series on exactly one replica, and both replicas serving some.
        await().atMost(WAIT).until(() -> names.stream().allMatch(n -> createdOnAll(n, metrics1, metrics2Url) == 1));
        Set<String> onFirst = new TreeSet<>();
        for (String name : names) {
            boolean first = Scrape.existsIn(user.scrape(metrics1), CREATED, "name", name, "namespace", NS);
            boolean second = Scrape.existsIn(user.scrape(metrics2Url), CREATED, "name", name, "namespace", NS);
            assertTrue(first ^ second, name + "'s series are on exactly one replica");
            if (first) {
                onFirst.add(name);
            }
        }
        assertTrue(!onFirst.isEmpty() && onFirst.size() < names.size(), "both replicas serve GitRepos: " + onFirst);

        // A commit to every repository; as soon as its first Job shows, one replica of each service dies.
        repos.forEach((name, repo) -> commits.get(name).add(repo.commit("second", Map.of("deploy/configmap.yaml",
                SandboxUser.configMap("two")))));
        await().atMost(WAIT).until(() -> names.stream().anyMatch(n -> user.seen(n).size() == 2));
        job2.kill();
        metrics2.kill();
        names.forEach(name -> user.awaitApplied(name, commits.get(name).get(1)));

        // And one more change after the survivors took over.
        repos.forEach((name, repo) -> commits.get(name).add(repo.commit("third", Map.of("deploy/configmap.yaml",
                SandboxUser.configMap("three")))));
        names.forEach(name -> user.awaitApplied(name, commits.get(name).get(2)));

        for (String name : names) {
            assertEquals(3, user.seen(name).size(), name + ": exactly one Job per change, " + user.seen(name));
            assertTrue(user.jobsOf(name).isEmpty(), name + ": every Job succeeded and was deleted");
            // The runner, playing the garbage collector, deletes the Pods after the Job.
            await().atMost(WAIT).until(() -> user.podsOf(user.seen(name)).isEmpty());
        }
        String survivor = user.scrape(metrics1);
        for (String name : names) {
            double created = Scrape.valueIn(survivor, CREATED, "name", name, "namespace", NS);
            double durations = Scrape.valueIn(survivor, DURATION_COUNT, "name", name, "namespace", NS);
            if (onFirst.contains(name)) {
                // Never moved: every Job counted once, through the rebalance and its redeliveries.
                assertEquals(3, created, name);
                assertEquals(3, durations, name);
            } else {
                // Moved with the killed replica: counted from that replica's last committed offset on (a counter
                // reset, as after any restart), never more than once, and never missing what came after.
                assertTrue(created >= 1 && created <= 3, name + " created " + created);
                assertTrue(durations >= 1 && durations <= 3, name + " durations " + durations);
            }
        }
    }

    private static Set<String> allGroups() {
        return groups.all();
    }

    private static long lag(String group) {
        return groups.lag(group);
    }

    private static int membersWithPartitions(String group) {
        return groups.membersWithPartitions(group);
    }

    /** GitRepo names whose records land on every partition, {@code perPartition} each. */
    private static List<String> namesCovering(int partitions, int perPartition) {
        Map<Integer, List<String>> byPartition = new HashMap<>();
        for (int i = 0; byPartition.values().stream().mapToInt(List::size).sum() < partitions * perPartition; i++) {
            String name = "scale-" + i;
            List<String> bucket = byPartition.computeIfAbsent(new GitRepoKey(NS, name).partition(partitions),
                    p -> new ArrayList<>());
            if (bucket.size() < perPartition) {
                bucket.add(name);
            }
        }
        return byPartition.values().stream().flatMap(List::stream).sorted().toList();
    }

    /** The GitRepo's created-Jobs counter summed over the replicas (a series missing on one counts 0). */
    private static double createdOnAll(String name, String... replicas) {
        return Arrays.stream(replicas).mapToDouble(r -> Scrape.valueIn(user.scrape(r), CREATED, "name", name,
                "namespace", NS)).sum();
    }

    /**
     * What a user sees of the cluster with {@code kubectl get -o yaml}, one line per object: Jobs with their status
     * and annotations, Pods, and GitRepos with their status (but not {@code lastPollingTriggered} or a condition's
     * {@code lastUpdateTime}, which the running watcher refreshes whatever happens).
     */
    private static List<String> clusterState() {
        List<String> lines = new ArrayList<>();
        for (Job job : user.client().batch().v1().jobs().inNamespace(NS).list().getItems()) {
            lines.add("job " + job.getMetadata().getName() + " uid=" + job.getMetadata().getUid() + " annotations="
                    + new java.util.TreeMap<>(job.getMetadata().getAnnotations()) + " status="
                    + (job.getStatus() == null ? null : job.getStatus().getSucceeded() + "/" + job.getStatus().getFailed()));
        }
        user.client().pods().inNamespace(NS).list().getItems().forEach(p -> lines.add("pod " + p.getMetadata().getName()
                + " uid=" + p.getMetadata().getUid() + " phase=" + (p.getStatus() == null ? null : p.getStatus().getPhase())));
        for (GitRepo gitRepo : user.client().resources(GitRepo.class).inNamespace(NS).list().getItems()) {
            GitRepoStatus s = gitRepo.getStatus() == null ? new GitRepoStatus() : gitRepo.getStatus();
            String conditions = s.getConditions().stream().map(c -> c.getType() + "=" + c.getStatus() + "/"
                    + c.getReason() + "/" + c.getMessage() + "@" + c.getLastTransitionTime()).sorted()
                    .collect(Collectors.joining(", "));
            lines.add("gitrepo " + gitRepo.getMetadata().getName() + " generation=" + gitRepo.getMetadata().getGeneration()
                    + " commit=" + s.getCommit() + " gitJobStatus=" + s.getGitJobStatus() + " observedGeneration="
                    + s.getObservedGeneration() + " [" + conditions + "]");
        }
        lines.sort(null);
        return lines;
    }
}
