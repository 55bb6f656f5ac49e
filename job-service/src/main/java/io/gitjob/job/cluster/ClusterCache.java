package io.gitjob.job.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gitjob.events.GitRepoKey;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobConventions;

/**
 * job-service's read path, as controller-runtime's informers: one GitRepo informer, one informer of gitjob's Jobs
 * and one of their Pods, indexed by GitRepo, and one informer per kind of the Jobs' prerequisites gitjob makes
 * (ServiceAccounts, Roles, RoleBindings, ConfigMaps, Secrets, selected by gitjob's label, so only those). Every
 * change of a GitRepo, Job or Pod (and every resync, which hands each object in again) is reported as the key of
 * the GitRepo it concerns, so the reconciler recomputes that GitRepo. Decisions are taken on these caches alone,
 * with no read request; {@link OwnWrites} holds a decision back until the caches show job-service's own writes.
 */
@ApplicationScoped
public class ClusterCache {

    private static final Logger LOG = Logger.getLogger(ClusterCache.class);
    private static final String BY_GITREPO = "gitrepo";

    @Inject
    KubernetesClient client;

    @Inject
    ShardSelection shards;

    /** Every object is handed in again this often: the periodic resync of every GitRepo (no API request). */
    @ConfigProperty(name = "gitjob.job.resync-period", defaultValue = "5m")
    Duration resyncPeriod;

    private volatile SharedIndexInformer<GitRepo> gitRepos;
    private SharedIndexInformer<Job> jobs;
    private SharedIndexInformer<Pod> pods;
    private static final String BY_JOB = "job";
    /** The prerequisites' informers by kind (ServiceAccount, Role, RoleBinding, ConfigMap, Secret). */
    private final Map<String, SharedIndexInformer<? extends HasMetadata>> prerequisites = new java.util.LinkedHashMap<>();

    /** How long a decision waits for the caches to show a write of job-service's own. Default 10s. */
    @ConfigProperty(name = "gitjob.job.own-write-patience", defaultValue = "10s")
    Duration ownWritePatience;

    private OwnWrites ownWrites;

    public OwnWrites ownWrites() {
        return ownWrites;
    }

    /** The one informer of this shard's GitRepos, which the readiness reconciler shares (started by {@link #start}). */
    public SharedIndexInformer<GitRepo> gitRepoInformer() {
        return gitRepos;
    }

    /**
     * Starts both informers; {@code gitRepoChanged} and {@code jobChanged} hear the GitRepo key of every change.
     * Does not wait for the caches to sync.
     */
    public void start(Changes gitRepoChanged, Changes jobChanged) {
        ownWrites = new OwnWrites(ownWritePatience);
        gitRepos = shards.select(client.resources(GitRepo.class).inAnyNamespace())
                .runnableInformer(resyncPeriod.toMillis());
        // Most of a GitRepo is never read here (managedFields, kubectl's last-applied copy, the watcher's status
        // fields): only what DecisionFieldsTrim lists is kept.
        gitRepos.itemStore(new io.gitjob.support.TrimmedItemStore<>(GitRepo.class, DecisionFieldsTrim::trim,
                client.getKubernetesSerialization()));
        // Every read is by key or by GitRepo: Fabric8's namespace index would be a set entry per object for nothing.
        gitRepos.removeNamespaceIndex();
        // Before the change is handed on: the reconcile it queues must find the write seen.
        gitRepos.addEventHandler(ClusterCache.<GitRepo>handler(g -> {
            GitRepoKey key = new GitRepoKey(g.getMetadata().getNamespace(), g.getMetadata().getName());
            ownWrites.seenGitRepo(key, g.getMetadata().getResourceVersion());
            return Optional.of(key);
        }, gitRepoChanged));
        jobs = shards.select(client.batch().v1().jobs().inAnyNamespace()
                .withLabel(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE))
                .runnableInformer(resyncPeriod.toMillis());
        // A failed Job and its Pod stay for troubleshooting: cached without the template and spec nothing reads.
        jobs.itemStore(new io.gitjob.support.TrimmedItemStore<>(Job.class, JobCacheTrim::job,
                client.getKubernetesSerialization()));
        jobs.removeNamespaceIndex();
        jobs.addIndexers(Map.of(BY_GITREPO, job -> ClusterCache.keyOf(job).map(k -> List.of(k.toString()))
                .orElse(List.of())));
        jobs.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Job job) {
                seen(job, false);
            }

            @Override
            public void onUpdate(Job old, Job job) {
                boolean resync = java.util.Objects.equals(old.getMetadata().getResourceVersion(),
                        job.getMetadata().getResourceVersion());
                keyOf(job).ifPresent(k -> {
                    ownWrites.seenJob(k, job.getMetadata().getName(), job.getMetadata().getResourceVersion(),
                            job.getMetadata().getDeletionTimestamp() != null);
                    jobChanged.changed(k, resync);
                });
            }

            @Override
            public void onDelete(Job job, boolean deletedFinalStateUnknown) {
                seen(job, true);
            }

            private void seen(Job job, boolean deleted) {
                keyOf(job).ifPresent(k -> {
                    ownWrites.seenJob(k, job.getMetadata().getName(), job.getMetadata().getResourceVersion(),
                            deleted || job.getMetadata().getDeletionTimestamp() != null);
                    jobChanged.changed(k, false);
                });
            }
        });
        // A Pod that cannot start never changes its Job: only the Pod tells (an image that cannot be pulled).
        pods = client.pods().inAnyNamespace()
                .withLabel(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE)
                .runnableInformer(resyncPeriod.toMillis());
        pods.itemStore(new io.gitjob.support.TrimmedItemStore<>(Pod.class, JobCacheTrim::pod,
                client.getKubernetesSerialization()));
        pods.removeNamespaceIndex();
        pods.addIndexers(Map.of(BY_JOB, pod -> jobNameOf(pod).map(n -> List.of(pod.getMetadata().getNamespace()
                + "/" + n)).orElse(List.of())));
        pods.addEventHandler(handler(ClusterCache::keyOf, jobChanged));
        pods.exceptionHandler((started, t) -> retry("Pod", t));
        // The API server may be away at start or for minutes later: list and watch again, for ever.
        gitRepos.exceptionHandler((started, t) -> retry("GitRepo", t));
        jobs.exceptionHandler((started, t) -> retry("Job", t));
        // The Jobs' prerequisites gitjob made: read when a Job is made, never changed by a reconcile's trigger.
        informPrerequisites("ServiceAccount", client.serviceAccounts());
        informPrerequisites("Role", client.rbac().roles());
        informPrerequisites("RoleBinding", client.rbac().roleBindings());
        informPrerequisites("ConfigMap", client.configMaps());
        informPrerequisites("Secret", client.secrets());
        gitRepos.start();
        jobs.start();
        pods.start();
        prerequisites.values().forEach(SharedIndexInformer::start);
        LOG.infof("Informing GitRepos, gitjob's Jobs and their Pods in all namespaces (shard '%s'); resync every %s",
                shards.shard().id(), resyncPeriod);
    }

    private <T extends HasMetadata> void informPrerequisites(String kind,
            io.fabric8.kubernetes.client.dsl.MixedOperation<T, ?, ?> operation) {
        SharedIndexInformer<T> informer = operation.inAnyNamespace()
                .withLabel(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE)
                .runnableInformer(resyncPeriod.toMillis());
        informer.removeNamespaceIndex(); // read by key only
        informer.exceptionHandler((started, t) -> retry(kind, t));
        prerequisites.put(kind, informer);
    }

    /**
     * A prerequisite of a Job as the cache holds it (only those with gitjob's label are held: one without it, made
     * by someone else, is found by the create's 409 and read then).
     */
    public Optional<HasMetadata> prerequisite(String kind, String namespace, String name) {
        SharedIndexInformer<? extends HasMetadata> informer = prerequisites.get(kind);
        if (informer == null) {
            throw new IllegalArgumentException("no informer of " + kind);
        }
        return Optional.ofNullable(informer.getStore().getByKey(namespace + "/" + name));
    }

    private static boolean retry(String kind, Throwable t) {
        LOG.warnf("The %s informer failed (%s); it lists and watches again", kind, t.toString());
        return true;
    }

    public void stop() {
        if (gitRepos != null) {
            gitRepos.stop();
        }
        if (jobs != null) {
            jobs.stop();
        }
        if (pods != null) {
            pods.stop();
        }
        prerequisites.values().forEach(SharedIndexInformer::stop);
    }

    public boolean synced() {
        return gitRepos != null && jobs != null && pods != null && gitRepos.hasSynced() && jobs.hasSynced()
                && pods.hasSynced() && prerequisites.values().stream().allMatch(SharedIndexInformer::hasSynced);
    }

    public Optional<GitRepo> gitRepo(GitRepoKey key) {
        return Optional.ofNullable(gitRepos.getStore().getByKey(key.namespace() + "/" + key.name()));
    }

    public List<Job> jobsOf(GitRepoKey key) {
        return jobs.getIndexer().byIndex(BY_GITREPO, key.toString());
    }

    public List<Pod> podsOf(Job job) {
        return podsOf(job.getMetadata().getNamespace(), job.getMetadata().getName());
    }

    public List<Pod> podsOf(String namespace, String jobName) {
        return pods.getIndexer().byIndex(BY_JOB, namespace + "/" + jobName);
    }

    static Optional<String> jobNameOf(Pod pod) {
        var labels = pod.getMetadata().getLabels();
        if (labels == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(labels.getOrDefault(ClusterState.JOB_NAME_LABEL, labels.get("job-name")));
    }

    /** Every GitRepo key the caches know: the GitRepos and the owners of the Jobs (a deleted GitRepo's too). */
    public List<GitRepoKey> keys() {
        List<GitRepoKey> keys = new ArrayList<>();
        gitRepos.getStore().list().forEach(g -> keys.add(new GitRepoKey(g.getMetadata().getNamespace(),
                g.getMetadata().getName())));
        jobs.getStore().list().forEach(j -> keyOf(j).ifPresent(keys::add));
        return keys;
    }

    /** The GitRepo a Job or its Pod belongs to: its namespace and gitjob's GitRepo label, as the fresh list selects. */
    static Optional<GitRepoKey> keyOf(HasMetadata job) {
        var labels = job.getMetadata().getLabels();
        String name = labels == null ? null : labels.get(JobConventions.GITREPO_LABEL);
        return name == null || name.isBlank() ? Optional.empty()
                : Optional.of(new GitRepoKey(job.getMetadata().getNamespace(), name));
    }

    /** Told the GitRepo key of each change; {@code resync} when it is the periodic resync (nothing changed). */
    @FunctionalInterface
    public interface Changes {
        void changed(GitRepoKey key, boolean resync);
    }

    private static <T extends HasMetadata> ResourceEventHandler<T> handler(
            java.util.function.Function<T, Optional<GitRepoKey>> key, Changes changed) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                key.apply(obj).ifPresent(k -> changed.changed(k, false));
            }

            @Override
            public void onUpdate(T old, T obj) {
                // The informer's resync hands every object in again unchanged.
                boolean resync = java.util.Objects.equals(old.getMetadata().getResourceVersion(),
                        obj.getMetadata().getResourceVersion());
                key.apply(obj).ifPresent(k -> changed.changed(k, resync));
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                key.apply(obj).ifPresent(k -> changed.changed(k, false));
            }
        };
    }
}
