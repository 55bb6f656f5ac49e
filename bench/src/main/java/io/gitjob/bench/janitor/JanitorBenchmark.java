package io.gitjob.bench.janitor;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.header.internals.RecordHeaders;

import io.fabric8.kubernetes.api.model.ListMetaBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.EventSerializer;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.janitor.Cleanup;
import io.gitjob.janitor.JanitorSettings;
import io.gitjob.janitor.RunSummary;
import io.gitjob.testing.GitRepoCrdSetup;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * Run time and API calls of one janitor run over a backlog of leftover Jobs (default 10,000: 90% succeeded
 * Jobs of existing GitRepos, 10% orphans, plus 200 running Jobs that stay), at the default cap of 50 deletes a
 * second and without a cap.
 *
 * <p>
 * Against Fabric8's mock Kubernetes API server in CRUD mode on loopback (a stand-in, not a real API server:
 * it answers in well under a millisecond and does not page, so the listing is served through a paging front
 * of {@code batch-size} Jobs a page, as a real API server would page it). API calls are counted by the mock
 * server. Each job-deleted event is serialised as it would be sent (JSON, CloudEvents headers) but not sent:
 * the bench module's exec classpath (compile scope) lacks the embedded broker's runtime jars, and at the
 * default cap a broker's ~1-3 ms per acknowledged send on loopback fits well inside the 20 ms between deletes.
 *
 * <pre>
 * ./mvnw -q -pl bench exec:java -Dexec.mainClass=io.gitjob.bench.janitor.JanitorBenchmark [-Dexec.args="10000 both"]
 * </pre>
 * Arguments: number of leftover Jobs (10000), and which runs: {@code both} (default), {@code uncapped},
 * {@code capped}.
 */
public final class JanitorBenchmark {

    static final int GITREPOS = 100;
    static final int RUNNING = 200;

    public static void main(String[] args) {
        try {
            bench(args);
        } catch (Throwable e) {
            e.printStackTrace();
            // exec:java would otherwise wait for the mock server's and the broker's threads.
            System.exit(1);
        }
        System.exit(0);
    }

    static void bench(String[] args) throws Exception {
        int leftovers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        String which = args.length > 1 ? args[1] : "both";
        KubernetesServer server = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
        server.before();
        new GitRepoCrdSetup().accept(server);
        List<String[]> rows = new ArrayList<>();
        try (CountingPublisher kafka = new CountingPublisher()) {
            KubernetesClient client = server.getClient();
            List<String> uids = gitRepos(client);
            JanitorSettings defaults = JanitorSettings.defaults();
            if (!which.equals("capped")) {
                rows.add(run(server, client, kafka, uids, leftovers, defaults.withMaxDeletesPerSecond(0), "no cap"));
            }
            if (!which.equals("uncapped")) {
                rows.add(run(server, client, kafka, uids, leftovers, defaults, "50/s (default)"));
            }
        } finally {
            server.after();
        }
        System.out.printf(Locale.ROOT, "%nJanitor run over %,d leftover Jobs (+%d running, %d GitRepos), batch size %d%n",
                leftovers, RUNNING, GITREPOS, JanitorSettings.defaults().batchSize());
        System.out.printf(Locale.ROOT, "%-16s %10s %9s %10s %11s %12s %10s %8s%n", "rate cap", "run time", "deleted",
                "deletes/s", "list calls", "delete calls", "API calls", "errors");
        rows.forEach(r -> System.out.printf(Locale.ROOT, "%-16s %10s %9s %10s %11s %12s %10s %8s%n", (Object[]) r));
    }

    static String[] run(KubernetesServer server, KubernetesClient client, CountingPublisher kafka, List<String> uids,
            int leftovers, JanitorSettings settings, String label) {
        List<Job> jobs = backlog(client, uids, leftovers);
        servePages(server, jobs, settings.batchSize());
        int before = server.getKubernetesMockServer().getRequestCount();
        Cleanup cleanup = new Cleanup(client, kafka);
        System.out.printf(Locale.ROOT, "Running with cap %s over %,d Jobs...%n", label, jobs.size());
        RunSummary summary = cleanup.run(settings);
        int calls = server.getKubernetesMockServer().getRequestCount() - before;
        System.out.println(summary.line());
        System.out.printf(Locale.ROOT, "Events serialised: %,d (%,d bytes)%n", kafka.events, kafka.bytes);
        double seconds = summary.duration().toNanos() / 1e9;
        return new String[] { label, String.format(Locale.ROOT, "%.1f s", seconds),
                Integer.toString(summary.deletedTotal()),
                String.format(Locale.ROOT, "%.1f", summary.deletedTotal() / seconds),
                Integer.toString(summary.listCalls()), Integer.toString(calls - summary.listCalls()),
                Integer.toString(calls), Integer.toString(summary.errors()) };
    }

    /** Serialises each event the way the service's Kafka serializer does, and counts them. */
    static final class CountingPublisher implements Cleanup.Publisher, AutoCloseable {
        final EventSerializer serializer = new EventSerializer();
        long events;
        long bytes;

        CountingPublisher() {
            serializer.configure(Map.of(EventSerializer.SOURCE_CONFIG, "/gitjob/janitor-service"), false);
        }

        @Override
        public void publish(GitJobEvent.JobDeleted event) {
            bytes += serializer.serialize(Topics.GITJOB_EVENTS, new RecordHeaders(), event).length;
            events++;
        }

        @Override
        public void close() {
            serializer.close();
        }
    }

    static List<String> gitRepos(KubernetesClient client) {
        List<String> uids = new ArrayList<>();
        for (int i = 0; i < GITREPOS; i++) {
            GitRepo gitRepo = new GitRepo();
            gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace("fleet-" + (i % 4)).withName("repo-" + i).build());
            GitRepoSpec spec = new GitRepoSpec();
            spec.setRepo("https://git.example/repo-" + i + ".git");
            gitRepo.setSpec(spec);
            uids.add(client.resource(gitRepo).create().getMetadata().getUid());
        }
        return uids;
    }

    /** Creates the leftovers and the running Jobs in the mock; returns them as the API server would list them. */
    static List<Job> backlog(KubernetesClient client, List<String> uids, int leftovers) {
        long start = System.nanoTime();
        String now = Instant.now().toString();
        // Leftovers finished an hour ago: past the janitor's grace for successes job-service should have recorded.
        String anHourAgo = Instant.now().minusSeconds(3600).toString();
        String suffix = Long.toString(System.nanoTime(), 36);
        List<Job> jobs = new ArrayList<>(leftovers + RUNNING);
        for (int i = 0; i < leftovers + RUNNING; i++) {
            int repo = i % GITREPOS;
            boolean orphan = i < leftovers && i % 10 == 9;
            JobBuilder job = new JobBuilder().withNewMetadata().withNamespace("fleet-" + (repo % 4))
                    .withName("repo-" + repo + "-" + suffix + "-" + i)
                    .addToLabels(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE)
                    .addToLabels(JobConventions.GITREPO_LABEL, "repo-" + repo)
                    .addToLabels(JobConventions.GITREPO_GENERATION_LABEL, "1")
                    .addToLabels(JobConventions.FORCE_SYNC_GENERATION_LABEL, "0")
                    .addToAnnotations(JobConventions.COMMIT_ANNOTATION, String.format("%040x", i))
                    .addNewOwnerReference().withApiVersion(GitRepo.API_VERSION).withKind(GitRepo.KIND)
                    .withName("repo-" + repo).withUid(orphan ? "deleted-" + repo : uids.get(repo))
                    .withController(true).endOwnerReference()
                    .endMetadata().withNewSpec().withBackoffLimit(0).endSpec();
            if (i < leftovers) {
                job.withNewStatus().withSucceeded(1).withStartTime(anHourAgo).withCompletionTime(anHourAgo).endStatus();
            } else {
                job.withNewStatus().withActive(1).withStartTime(now).endStatus();
            }
            jobs.add(client.resource(job.build()).create());
        }
        System.out.printf(Locale.ROOT, "Created %,d Jobs in the mock API server in %.1f s%n", jobs.size(),
                (System.nanoTime() - start) / 1e9);
        return jobs;
    }

    /**
     * The mock ignores {@code limit} and {@code continue}; serve the listing a page at a time on the exact paths
     * the Fabric8 client asks for, so the run makes the list calls it would make against a real API server.
     */
    static void servePages(KubernetesServer server, List<Job> jobs, int pageSize) {
        String selector = "labelSelector=app.kubernetes.io%2Fmanaged-by%3Dgitjob";
        int pages = Math.max(1, (jobs.size() + pageSize - 1) / pageSize);
        for (int page = 1; page <= pages; page++) {
            List<Job> items = jobs.subList((page - 1) * pageSize, Math.min(jobs.size(), page * pageSize));
            String continuation = page == 1 ? "" : "continue=page-" + page + "&";
            server.expect().get().withPath("/apis/batch/v1/jobs?" + continuation + selector + "&limit=" + pageSize)
                    .andReturn(200, new JobListBuilder()
                            .withMetadata(new ListMetaBuilder().withContinue(page < pages ? "page-" + (page + 1) : null)
                                    .build())
                            .withItems(items).build())
                    .once();
        }
    }

}
