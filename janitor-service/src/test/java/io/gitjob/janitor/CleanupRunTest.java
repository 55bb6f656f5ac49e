package io.gitjob.janitor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.EventCodec;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.janitor.CleanupDecision.DeleteReason;
import io.gitjob.janitor.CleanupDecision.KeepReason;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.gitjob.testing.Scrape;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Cleanup runs against a real Kafka broker and Fabric8's mock Kubernetes API server in CRUD mode (a stand-in
 * that stores resources and runs no controllers, so each Job's status is set here). The mock does not page
 * lists; {@link MockApiPaging} serves the Job listings in pages of {@value #PAGE} so the janitor's paging runs.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class CleanupRunTest {

    static final int PAGE = 3;
    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    KubernetesClient client;

    @Inject
    CleanupRun cleanup;

    @Inject
    JanitorConfig config;

    @KubernetesTestServer
    KubernetesServer server;

    /** Everything the janitor may touch: failed-Job retention 7 days, Fleet's own Jobs included, no rate cap. */
    final JanitorSettings everything = JanitorSettings.defaults().withBatchSize(PAGE)
            .withFailedRetention(Duration.ofDays(7)).withIncludeFleetJobs(true).withMaxDeletesPerSecond(0);

    Instant now;
    String alpha;
    String beta;
    String gamma;

    @BeforeEach
    void aMixOfJobsAcrossNamespaces() {
        for (Job job : client.batch().v1().jobs().inAnyNamespace().list().getItems()) {
            client.resource(job).delete();
        }
        for (GitRepo gitRepo : client.resources(GitRepo.class).inAnyNamespace().list().getItems()) {
            client.resource(gitRepo).delete();
        }
        now = Instant.now();
        alpha = gitRepo("fleet-local", "alpha");
        beta = gitRepo("fleet-local", "beta");
        gamma = gitRepo("team-a", "gamma");

        create(job("fleet-local", "alpha-running").owner("alpha", alpha).running());
        create(job("fleet-local", "alpha-done-1").owner("alpha", alpha).succeeded());
        create(job("fleet-local", "alpha-done-2").owner("alpha", alpha).succeeded());
        create(job("fleet-local", "alpha-failed-40d").owner("alpha", alpha).failed(Duration.ofDays(40)));
        create(job("fleet-local", "alpha-failed-30d").owner("alpha", alpha).failed(Duration.ofDays(30)));
        create(job("fleet-local", "alpha-failed-1h").owner("alpha", alpha).failed(Duration.ofHours(1)));
        create(job("fleet-local", "beta-failed-30d").owner("beta", beta).failed(Duration.ofDays(30)));
        // Owned by an earlier GitRepo named alpha: same name, another uid.
        create(job("fleet-local", "alpha-before-recreate").owner("alpha", "uid-of-deleted-alpha").running());
        // Labelled as gitjob's but owned by a CronJob: not the janitor's to judge.
        create(job("fleet-local", "foreign-done").ownerCronJob().succeeded());
        // A user's own Job, and Fleet's own Jobs (no gitjob label, owned by a GitRepo).
        create(job("fleet-local", "user-done").unlabelled().succeeded());
        create(job("fleet-local", "fleet-alpha-done").unlabelled().owner("alpha", alpha).succeeded());
        create(job("fleet-local", "fleet-alpha-running").unlabelled().owner("alpha", alpha).running());
        create(job("team-a", "gamma-done").owner("gamma", gamma).succeeded());
        create(job("team-a", "gamma-failed-2d").owner("gamma", gamma).failed(Duration.ofDays(2)));
        create(job("team-a", "gamma-failed-1d").owner("gamma", gamma).failed(Duration.ofDays(1)));
        create(job("team-a", "gone-running").owner("gone", "uid-of-gone").running());
        create(job("team-a", "gone-failed").owner("gone", "uid-of-gone").failed(Duration.ofDays(3)));
        create(job("team-a", "helm-done").labelled("Helm").succeeded());
    }

    @Test
    void withDefaultsOnlySucceededAndOrphanedJobsOfGitjobGoAcrossPages() {
        JanitorSettings defaults = JanitorSettings.defaults().withBatchSize(PAGE).withMaxDeletesPerSecond(0);
        int pages = pagesForNextRun(false);

        RunSummary summary = cleanup.run(defaults).orElseThrow();

        assertEquals(RunSummary.Result.SUCCESS, summary.result(), summary.line());
        assertEquals(14, summary.listed(), "the labelled Jobs, on several pages");
        assertEquals(pages + 1, summary.listCalls(), "every page of Jobs, and the GitRepos");
        assertTrue(pages > 1);
        assertEquals(Map.of("alpha-done-1", "succeeded", "alpha-done-2", "succeeded", "gamma-done", "succeeded",
                "alpha-before-recreate", "orphan", "gone-running", "orphan", "gone-failed", "orphan"),
                byName(summary));
        assertEquals(Set.of("alpha-running", "alpha-failed-40d", "alpha-failed-30d", "alpha-failed-1h",
                "beta-failed-30d", "foreign-done", "user-done", "fleet-alpha-done", "fleet-alpha-running",
                "gamma-failed-2d", "gamma-failed-1d", "helm-done"), remainingJobs());
        assertEquals(6, summary.kept(KeepReason.FAILED_NO_RETENTION), "failed Jobs are kept forever by default");
        assertEquals(0, summary.errors());
    }

    @Test
    void theJobsOfAnotherShardAreLeftToThatShardsJanitor() {
        create(job("team-a", "elsewhere-done").owner("gamma", gamma).succeeded().shard("shard-b"));
        create(job("team-a", "elsewhere-orphan").owner("gone", "uid-of-gone").running().shard("shard-b"));

        RunSummary summary = cleanup.run(everything).orElseThrow();

        assertEquals(RunSummary.Result.SUCCESS, summary.result(), summary.line());
        assertTrue(remainingJobs().containsAll(Set.of("elsewhere-done", "elsewhere-orphan")), remainingJobs()
                .toString());
        assertTrue(byName(summary).containsKey("gamma-done"), "this shard's Jobs are cleaned as ever");
    }

    @Test
    void aDryRunDeletesNothingPublishesNothingAndReportsTheSetTheRealRunDeletes() {
        Set<String> before = remainingJobs();
        try (var kafka = new KafkaTestClient(); var events = kafka.readFromNow(Topics.GITJOB_EVENTS)) {
            pagesForNextRun(true);
            RunSummary dry = cleanup.run(everything.withDryRun(true)).orElseThrow();

            assertTrue(dry.dryRun());
            assertEquals(before, remainingJobs(), "a dry run deletes nothing");
            Map<String, String> expected = Map.of("alpha-done-1", "succeeded", "alpha-done-2", "succeeded",
                    "gamma-done", "succeeded", "fleet-alpha-done", "succeeded",
                    "alpha-failed-40d", "failed-retention", "alpha-failed-30d", "failed-retention",
                    "alpha-before-recreate", "orphan", "gone-running", "orphan", "gone-failed", "orphan");
            assertEquals(expected, byName(dry));
            assertTrue(dry.line().contains("wouldDelete=9"), dry.line());

            pagesForNextRun(true);
            RunSummary real = cleanup.run(everything).orElseThrow();

            assertEquals(byName(dry), byName(real), "the dry run reported exactly what the real run deleted");
            assertEquals(Set.of("alpha-running", "alpha-failed-1h", "beta-failed-30d", "foreign-done", "user-done",
                    "fleet-alpha-running", "gamma-failed-2d", "gamma-failed-1d", "helm-done"), remainingJobs());
            assertEquals(3, real.kept(KeepReason.NEWEST_FAILED), "alpha's, beta's and gamma's newest failed Job");
            assertEquals(1, real.kept(KeepReason.FAILED_WITHIN_RETENTION));

            // One event per deleted Job: had the dry run published, each would be there twice.
            events.awaitEvent(GitJobEvent.JobDeleted.class, e -> e.jobName().equals("gone-failed"), WAIT);
            for (String name : expected.keySet()) {
                var deleted = events.awaitEvent(GitJobEvent.JobDeleted.class, e -> e.jobName().equals(name), WAIT);
                assertEquals(GitJobEvent.DeletedBy.JANITOR, deleted.deletedBy());
                assertEquals(expected.get(name), deleted.reason(), name);
            }
            Map<String, Long> published = events.seen().stream()
                    .map(r -> EventCodec.decode(r.value(), GitJobEvent.class))
                    .filter(e -> e instanceof GitJobEvent.JobDeleted)
                    .collect(Collectors.groupingBy(GitJobEvent::jobName, TreeMap::new, Collectors.counting()));
            assertEquals(expected.keySet(), published.keySet());
            assertTrue(published.values().stream().allMatch(n -> n == 1), published::toString);
        }
    }

    @Test
    void theEventOfADeletedJobNamesItsGitRepoCommitAndGenerations() {
        try (var kafka = new KafkaTestClient(); var events = kafka.readFromNow(Topics.GITJOB_EVENTS)) {
            cleanup.run(everything);
            var deleted = events.awaitEvent(GitJobEvent.JobDeleted.class, e -> e.jobName().equals("gamma-done"),
                    WAIT);
            assertEquals("team-a", deleted.gitRepo().namespace());
            assertEquals("gamma", deleted.gitRepo().name());
            assertEquals(gamma, deleted.gitRepo().uid());
            assertEquals("abc123", deleted.commit());
            assertEquals(4, deleted.generation());
            assertEquals(2, deleted.forceSyncGeneration());
            assertEquals("succeeded", deleted.reason());
            assertEquals(GitJobEvent.DeletedBy.JANITOR, deleted.deletedBy());
        }
    }

    @Test
    void aDeletionErrorOnOneJobIsCountedAndTheRunGoesOn() {
        // RBAC forbids deleting this one Job: the API answers 403 (the mock answers it before its CRUD store).
        server.expect().delete().withPath("/apis/batch/v1/namespaces/team-a/jobs/gamma-done")
                .andReturn(403, new StatusBuilder().withStatus("Failure").withReason("Forbidden").withCode(403)
                        .withMessage("jobs.batch \"gamma-done\" is forbidden").build())
                .once();
        pagesForNextRun(true);

        RunSummary summary = cleanup.run(everything).orElseThrow();

        assertEquals(RunSummary.Result.ERRORS, summary.result(), summary.line());
        assertEquals(1, summary.errors());
        assertEquals(8, summary.deletedTotal(), summary.line());
        assertTrue(summary.line().contains("errors=1"), summary.line());
        assertEquals(Set.of("gamma-done", "alpha-running", "alpha-failed-1h", "beta-failed-30d", "foreign-done",
                "user-done", "fleet-alpha-running", "gamma-failed-2d", "gamma-failed-1d", "helm-done"),
                remainingJobs(), "every other due Job was deleted after the error");
        assertEquals(1, JanitorMain.exitCode(summary.result()), "--once exits non-zero");
    }

    @Test
    void aJobDeletedBySomeoneElseMeanwhileIsNoError() {
        client.batch().v1().jobs().inNamespace("team-a").withName("gamma-done").delete();
        // Listed (from the snapshot the paging front serves) but gone by the time the janitor deletes it.
        pagesForNextRunFromSnapshot(true, job("team-a", "gamma-done").owner("gamma", gamma).succeeded().build());

        RunSummary summary = cleanup.run(everything).orElseThrow();

        assertEquals(RunSummary.Result.SUCCESS, summary.result(), summary.line());
        assertEquals(1, summary.alreadyGone());
        assertEquals(8, summary.deletedTotal());
    }

    @Test
    void aSucceededJobWithinTheGraceIsLeftToJobServiceUntilTheGraceIsOver() {
        // job-service (down, say) has not recorded these successes yet; the orphan's GitRepo is gone, so it has
        // nothing to record and no grace.
        create(job("fleet-local", "alpha-just-done").owner("alpha", alpha).succeeded(Duration.ofMinutes(2)));
        create(job("team-a", "gone-just-done").owner("gone", "uid-of-gone").succeeded(Duration.ofMinutes(2)));
        JanitorSettings defaults = JanitorSettings.defaults().withMaxDeletesPerSecond(0);

        RunSummary dry = cleanup.run(defaults.withDryRun(true)).orElseThrow();

        assertEquals(1, dry.kept(KeepReason.SUCCEEDED_WITHIN_GRACE), dry.line());
        assertTrue(dry.line().contains(" kept.succeeded-recent=1 "), dry.line());
        assertFalse(byName(dry).containsKey("alpha-just-done"), "the dry run reports it kept, not due");
        assertEquals("orphan", byName(dry).get("gone-just-done"));

        RunSummary real = cleanup.run(defaults).orElseThrow();

        assertEquals(byName(dry), byName(real));
        assertEquals(1, real.kept(KeepReason.SUCCEEDED_WITHIN_GRACE), real.line());
        assertTrue(remainingJobs().contains("alpha-just-done"));
        assertFalse(remainingJobs().contains("gone-just-done"));
        assertFalse(remainingJobs().contains("alpha-done-1"), "an hour after success: past the grace");

        RunSummary later = cleanup.run(defaults.withSucceededGrace(Duration.ofMinutes(1))).orElseThrow();

        assertEquals(Map.of("alpha-just-done", "succeeded"), byName(later), "its grace is over: job-service missed it");
        assertEquals(0, later.kept(KeepReason.SUCCEEDED_WITHIN_GRACE));
    }

    @Test
    void aJobDeletedAndReCreatedUnderTheSameNameMeanwhileSurvives() throws Exception {
        Map<String, String> listedUids = uidsByDeletePath();
        pagesForNextRun(true);
        String listedUid = listedUids.get(JOBS_PATH + "team-a/jobs/gamma-done");
        // Between the listing and the delete, someone (job-service, a person) deletes gamma-done and creates a
        // new Job of the same name: another uid.
        client.batch().v1().jobs().inNamespace("team-a").withName("gamma-done").delete();
        await().atMost(WAIT).until(() -> client.batch().v1().jobs().inNamespace("team-a").withName("gamma-done")
                .get() == null);
        create(job("team-a", "gamma-done").owner("gamma", gamma).succeeded());
        String newUid = client.batch().v1().jobs().inNamespace("team-a").withName("gamma-done").get().getMetadata()
                .getUid();
        assertNotEquals(listedUid, newUid);
        // Where the mock stands in for a cluster: it ignores preconditions, so this front answers that one DELETE
        // as a real API server does (409 for the old uid; 200 without a precondition, which then fails below).
        MockApiPreconditions.enforceUid(server, "team-a", "gamma-done", newUid);
        MockApiPreconditions.forgetRecordedRequests(server);

        RunSummary summary = cleanup.run(everything).orElseThrow();

        assertEquals(RunSummary.Result.SUCCESS, summary.result(),
                "a failed precondition is no error: " + summary.line());
        assertEquals(1, summary.alreadyGone(), "the Job listed is gone; its successor is not the janitor's to judge");
        assertFalse(byName(summary).containsKey("gamma-done"), "neither deleted nor published as deleted");
        assertEquals(8, summary.deletedTotal(), summary.line());
        assertEquals(newUid, client.batch().v1().jobs().inNamespace("team-a").withName("gamma-done").get()
                .getMetadata().getUid(), "the re-created Job survived");

        List<MockApiPreconditions.Delete> deletes = MockApiPreconditions.deletes(server);
        assertEquals(9, deletes.size(), deletes::toString);
        for (MockApiPreconditions.Delete delete : deletes) {
            assertEquals(listedUids.get(delete.path()), delete.preconditionUid(),
                    "every delete names the uid the Job was listed with: " + delete.path());
            assertNotNull(delete.preconditionUid(), delete.path());
            assertEquals("Background", delete.options().getPropagationPolicy(), "its Pods go too");
        }
    }

    @Test
    void aSecondRunWhileOneIsGoingIsSkipped() throws Exception {
        double skippedBefore = Scrape.value("gitjob_janitor_runs_total", "result", "skipped");
        // Two deletes a second over six due Jobs: the first run lasts seconds.
        CompletableFuture<java.util.Optional<RunSummary>> first = CompletableFuture.supplyAsync(
                () -> cleanup.run(JanitorSettings.defaults().withMaxDeletesPerSecond(2)));
        await().atMost(WAIT).until(cleanup::isRunning);

        assertTrue(cleanup.run(everything).isEmpty(), "skipped while the first run goes");
        assertTrue(cleanup.runConfigured().isEmpty());

        RunSummary summary = first.get(60, java.util.concurrent.TimeUnit.SECONDS).orElseThrow();
        assertEquals(6, summary.deletedTotal());
        assertFalse(cleanup.isRunning());
        assertEquals(skippedBefore + 2, Scrape.value("gitjob_janitor_runs_total", "result", "skipped"));
    }

    @Test
    void metricsCountRunsDeletionsByReasonAndTimeTheLastRun() {
        double succeeded = Scrape.value("gitjob_janitor_deleted_jobs_total", "reason", "succeeded");
        double orphans = Scrape.value("gitjob_janitor_deleted_jobs_total", "reason", "orphan");
        double retention = Scrape.value("gitjob_janitor_deleted_jobs_total", "reason", "failed-retention");
        double runs = Scrape.value("gitjob_janitor_runs_total", "result", "success");
        double timed = Scrape.value("gitjob_janitor_run_duration_seconds_count");
        long before = Instant.now().getEpochSecond();

        cleanup.run(everything.withDryRun(true));
        assertEquals(succeeded, Scrape.value("gitjob_janitor_deleted_jobs_total", "reason", "succeeded"),
                "a dry run deletes nothing, so counts nothing");
        cleanup.run(everything);

        String text = Scrape.metrics();
        assertEquals(succeeded + 4, Scrape.valueIn(text, "gitjob_janitor_deleted_jobs_total", "reason", "succeeded"));
        assertEquals(orphans + 3, Scrape.valueIn(text, "gitjob_janitor_deleted_jobs_total", "reason", "orphan"));
        assertEquals(retention + 2,
                Scrape.valueIn(text, "gitjob_janitor_deleted_jobs_total", "reason", "failed-retention"));
        assertEquals(runs + 2, Scrape.valueIn(text, "gitjob_janitor_runs_total", "result", "success"));
        assertEquals(timed + 2, Scrape.valueIn(text, "gitjob_janitor_run_duration_seconds_count"));
        assertTrue(Scrape.valueIn(text, "gitjob_janitor_last_run_timestamp_seconds") >= before);
        assertTrue(Scrape.existsIn(text, "gitjob_janitor_runs_total", "result", "failed"),
                "every result has a series from the start");
    }

    @Test
    void theConfiguredSettingsAreTheDocumentedDefaults() {
        // application.properties as shipped, with the schedule off in tests.
        assertEquals(JanitorSettings.defaults(), config.settings());
        assertEquals("off", config.schedule());
    }

    // ---- fixture ----

    /** Serves the next run's Job listings in pages of {@value #PAGE}; returns how many pages of labelled Jobs. */
    int pagesForNextRun(boolean includeFleetJobs) {
        return pagesForNextRunFromSnapshot(includeFleetJobs, null);
    }

    int pagesForNextRunFromSnapshot(boolean includeFleetJobs, Job extra) {
        var all = client.batch().v1().jobs().inAnyNamespace();
        List<Job> labelled = new java.util.ArrayList<>(
                all.withLabel(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE).list().getItems());
        if (extra != null) {
            labelled.add(extra);
        }
        int pages = MockApiPaging.serveJobsInPages(server, MockApiPaging.MANAGED, labelled, PAGE);
        if (includeFleetJobs) {
            MockApiPaging.serveJobsInPages(server, MockApiPaging.UNLABELLED,
                    all.withoutLabel(JobConventions.MANAGED_BY_LABEL).list().getItems(), PAGE);
        }
        return pages;
    }

    static final String JOBS_PATH = "/apis/batch/v1/namespaces/";

    /** The uid of every Job now, by the path its DELETE goes to. */
    Map<String, String> uidsByDeletePath() {
        return client.batch().v1().jobs().inAnyNamespace().list().getItems().stream()
                .collect(Collectors.toMap(j -> JOBS_PATH + j.getMetadata().getNamespace() + "/jobs/"
                        + j.getMetadata().getName(), j -> j.getMetadata().getUid()));
    }

    static Map<String, String> byName(RunSummary summary) {
        Map<String, String> byName = new HashMap<>();
        summary.deletions().forEach(d -> byName.put(d.job().substring(d.job().indexOf('/') + 1), d.reason().label));
        return byName;
    }

    Set<String> remainingJobs() {
        return client.batch().v1().jobs().inAnyNamespace().list().getItems().stream()
                .map(j -> j.getMetadata().getName()).collect(Collectors.toCollection(TreeSet::new));
    }

    String gitRepo(String namespace, String name) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://git.example/" + name + ".git");
        gitRepo.setSpec(spec);
        String uid = client.resource(gitRepo).create().getMetadata().getUid();
        assertNotNull(uid, "the mock API server gives each GitRepo a uid");
        return uid;
    }

    void create(JobSpec job) {
        client.resource(job.build()).create();
    }

    JobSpec job(String namespace, String name) {
        return new JobSpec(namespace, name);
    }

    /** A Job as job-service (or Fleet) writes it, and the status the mock's absent Job controller would set. */
    final class JobSpec {
        final JobBuilder builder;

        JobSpec(String namespace, String name) {
            builder = new JobBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                    .addToLabels(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE)
                    .addToLabels(JobConventions.GITREPO_GENERATION_LABEL, "4")
                    .addToLabels(JobConventions.FORCE_SYNC_GENERATION_LABEL, "2")
                    .addToAnnotations(JobConventions.COMMIT_ANNOTATION, "abc123")
                    .endMetadata()
                    .withNewSpec().withBackoffLimit(0).endSpec();
        }

        JobSpec owner(String gitRepo, String uid) {
            builder.editMetadata().addToLabels(JobConventions.GITREPO_LABEL, gitRepo).addNewOwnerReference()
                    .withApiVersion(GitRepo.API_VERSION).withKind(GitRepo.KIND).withName(gitRepo).withUid(uid)
                    .withController(true).endOwnerReference().endMetadata();
            return this;
        }

        JobSpec ownerCronJob() {
            builder.editMetadata().addNewOwnerReference().withApiVersion("batch/v1").withKind("CronJob")
                    .withName("nightly").withUid("uid-of-cronjob").withController(true).endOwnerReference()
                    .endMetadata();
            return this;
        }

        JobSpec shard(String id) {
            builder.editMetadata().addToLabels(io.gitjob.gitrepo.FleetConventions.SHARD_REF_LABEL, id).endMetadata();
            return this;
        }

        JobSpec unlabelled() {
            builder.editMetadata().removeFromLabels(JobConventions.MANAGED_BY_LABEL).endMetadata();
            return this;
        }

        JobSpec labelled(String managedBy) {
            builder.editMetadata().addToLabels(JobConventions.MANAGED_BY_LABEL, managedBy).endMetadata();
            return this;
        }

        JobSpec running() {
            builder.withNewStatus().withActive(1).withStartTime(now.minusSeconds(30).toString()).endStatus();
            return this;
        }

        /** Succeeded an hour ago: past the default grace, which leaves it to job-service for 10 minutes. */
        JobSpec succeeded() {
            return succeeded(Duration.ofHours(1));
        }

        JobSpec succeeded(Duration ago) {
            Instant at = now.minus(ago);
            builder.withNewStatus().withSucceeded(1).withStartTime(at.minusSeconds(30).toString())
                    .withCompletionTime(at.toString()).endStatus();
            return this;
        }

        JobSpec failed(Duration ago) {
            Instant at = now.minus(ago);
            builder.withNewStatus().withFailed(1).withStartTime(at.minusSeconds(30).toString())
                    .addNewCondition().withType("Failed").withStatus("True").withReason("BackoffLimitExceeded")
                    .withLastTransitionTime(at.toString()).endCondition().endStatus();
            return this;
        }

        Job build() {
            return builder.build();
        }
    }
}
