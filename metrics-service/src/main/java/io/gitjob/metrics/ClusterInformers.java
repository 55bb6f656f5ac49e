package io.gitjob.metrics;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.gitrepo.Shard;
import io.gitjob.support.TrimmedItemStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * What metrics-service sees of the cluster: Fabric8 informers on the GitRepos ({@code fleet.cattle.io/v1alpha1})
 * of this installation's shard ({@code gitjob.shard-id}, Fleet's {@code fleet.cattle.io/shard-ref} rule) and on
 * gitjob's Jobs of that shard ({@code app.kubernetes.io/managed-by=gitjob}), in all namespaces, the Jobs indexed by the GitRepo that controls them. Every replica runs both:
 * ownership decides only whose levels a replica exposes. A change of a Job or a GitRepo has that GitRepo's failed
 * Jobs counted again ({@link FailedJobsLevel}) and a GitRepo change its {@code fleet_gitrepo_*} gauges set again
 * ({@link GitRepoStatusLevel}); a GitRepo deleted has all its series dropped at once.
 *
 * <p>The informers retry for ever when the API server is away (the events are still counted meanwhile): they are
 * started without waiting, so the service starts and stays up without the API server.
 */
@ApplicationScoped
public class ClusterInformers {

    private static final Logger LOG = Logger.getLogger(ClusterInformers.class);
    private static final String BY_GITREPO = "gitrepo";

    @Inject
    KubernetesClient client;

    @Inject
    FailedJobsLevel failedJobs;

    @Inject
    GitJobMetrics metrics;

    @Inject
    GitRepoStatusLevel statusLevel;

    /** This installation's shard ({@code gitjob.shard-id}): only its GitRepos and their Jobs are informed. */
    @ConfigProperty(name = Shard.CONFIG_KEY)
    Optional<String> shardId;

    /** Items per page of the informers' lists, so a cluster with many Jobs is not listed in one answer. */
    @ConfigProperty(name = "gitjob.metrics.informer-page-size")
    long pageSize;

    private volatile SharedIndexInformer<GitRepo> gitRepos;
    private volatile SharedIndexInformer<Job> jobs;

    void start(@Observes StartupEvent event) {
        Shard shard = new Shard(shardId.orElse(""));
        // Another shard's GitRepos are another installation's: its metrics-service exposes them.
        SharedIndexInformer<GitRepo> g = client.resources(GitRepo.class).inAnyNamespace()
                .withLabelSelector(shard.labelSelector()).withLimit(pageSize).runnableInformer(0);
        // Only what the series are named and read from: a whole GitRepo was most of the heap per GitRepo.
        g.itemStore(new TrimmedItemStore<>(GitRepo.class, GaugeFieldsTrim::trim,
                client.getKubernetesSerialization()));
        // Read by key or whole: Fabric8's namespace index would be a set entry per GitRepo (and per Job) for nothing.
        g.removeNamespaceIndex();
        g.addEventHandler(new GitRepoChanges());
        g.exceptionHandler((started, t) -> retry("GitRepo", t));
        // gitjob's Jobs only: a cluster's other Jobs would cost memory here and count for nothing.
        // A Job carries its GitRepo's shard label, as Fleet's gitjob labels its Jobs.
        SharedIndexInformer<Job> j = client.batch().v1().jobs().inAnyNamespace()
                .withLabelSelector(JobConventions.MANAGED_BY_LABEL + "=" + JobConventions.MANAGED_BY_VALUE + ","
                        + shard.labelSelector())
                .withLimit(pageSize)
                .withIndexers(Map.of(BY_GITREPO, job -> JobConventions.gitRepoOf(job)
                        .map(r -> List.of(r.key().toString())).orElse(List.of())))
                .runnableInformer(0);
        // Counted from, never written: a failed Job kept for troubleshooting is cached as its phase and owner only.
        j.itemStore(new TrimmedItemStore<>(Job.class, FailedJobFieldsTrim::trim, client.getKubernetesSerialization()));
        j.removeNamespaceIndex();
        j.addEventHandler(new JobChanges());
        j.exceptionHandler((started, t) -> retry("Job", t));
        gitRepos = g;
        jobs = j;
        g.start();
        j.start();
        LOG.infof("Watching GitRepos and Jobs in all namespaces (%s)", shard.labelSelector());
    }

    void stop(@Observes ShutdownEvent event) {
        if (jobs != null) {
            jobs.stop();
        }
        if (gitRepos != null) {
            gitRepos.stop();
        }
    }

    private static boolean retry(String kind, Throwable t) {
        LOG.warnf("The %s informer failed (%s); it lists and watches again", kind, t.toString());
        return true;
    }

    /** Both informers have listed everything once: until then an absent GitRepo may just not be listed yet. */
    public boolean synced() {
        SharedIndexInformer<GitRepo> g = gitRepos;
        SharedIndexInformer<Job> j = jobs;
        return g != null && j != null && g.hasSynced() && j.hasSynced();
    }

    public Optional<GitRepo> gitRepo(GitRepoKey key) {
        SharedIndexInformer<GitRepo> g = gitRepos;
        return g == null ? Optional.empty() : Optional.ofNullable(g.getStore().getByKey(key.toString()));
    }

    public List<GitRepo> gitRepos() {
        SharedIndexInformer<GitRepo> g = gitRepos;
        return g == null ? List.of() : g.getStore().list();
    }

    /** The GitRepo lives: the cache holds a GitRepo of that namespace and name with that uid. */
    public boolean isLive(GitRepoRef gitRepo) {
        return gitRepo(gitRepo.key()).map(g -> gitRepo.uid().equals(g.getMetadata().getUid())).orElse(false);
    }

    /** The Jobs whose controller is a GitRepo of that namespace and name (of any uid). */
    public List<Job> jobsOf(GitRepoKey key) {
        SharedIndexInformer<Job> j = jobs;
        return j == null ? List.of() : j.getIndexer().byIndex(BY_GITREPO, key.toString());
    }

    static Optional<GitRepoRef> ref(GitRepo gitRepo) {
        var m = gitRepo.getMetadata();
        if (m == null || m.getNamespace() == null || m.getName() == null || m.getUid() == null) {
            return Optional.empty();
        }
        return Optional.of(new GitRepoRef(m.getNamespace(), m.getName(), m.getUid()));
    }

    private final class GitRepoChanges implements ResourceEventHandler<GitRepo> {
        @Override
        public void onAdd(GitRepo gitRepo) {
            ref(gitRepo).ifPresent(r -> {
                metrics.gitRepoPresent(r);
                failedJobs.recompute(r.key());
                statusLevel.recompute(r.key());
            });
        }

        @Override
        public void onUpdate(GitRepo old, GitRepo current) {
            // After a relist, an "update" may be a GitRepo deleted and re-created under its name.
            Optional<GitRepoRef> before = ref(old);
            Optional<GitRepoRef> now = ref(current);
            if (before.isPresent() && now.isPresent() && !before.get().uid().equals(now.get().uid())) {
                metrics.gitRepoDeleted(before.get());
            }
            now.ifPresent(r -> {
                failedJobs.recompute(r.key());
                statusLevel.recompute(r.key());
            });
        }

        @Override
        public void onDelete(GitRepo gitRepo, boolean deletedFinalStateUnknown) {
            ref(gitRepo).ifPresent(r -> {
                metrics.gitRepoDeleted(r);
                failedJobs.recompute(r.key());
            });
        }
    }

    private final class JobChanges implements ResourceEventHandler<Job> {
        @Override
        public void onAdd(Job job) {
            changed(job);
        }

        @Override
        public void onUpdate(Job old, Job current) {
            changed(current);
        }

        @Override
        public void onDelete(Job job, boolean deletedFinalStateUnknown) {
            changed(job);
        }

        private void changed(Job job) {
            JobConventions.gitRepoOf(job).ifPresent(r -> failedJobs.recompute(r.key()));
        }
    }
}
