package io.gitjob.watcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.Shard;
import io.gitjob.support.TrimmedItemStore;
import io.gitjob.watcher.webhook.WebhookPollTrigger;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Watches GitRepos with a Fabric8 informer (all namespaces, or the configured ones) and hands each change to
 * the {@link GitRepoTracker}, which publishes added, spec-changed, force-sync and deleted events for the
 * GitRepos this replica owns. Every replica runs the informer; its cache is also what a rebuild after a
 * partition assignment compares the {@code gitrepo-state} topic with. Only the GitRepos of this installation's
 * {@link Shard} ({@code gitjob.shard-id}) are watched: the API server filters by label, and each GitRepo handed
 * in is checked again, since a GitRepo labelled into another shard reaches the informer as an update or a delete.
 */
@ApplicationScoped
public class GitRepoWatch implements ResourceEventHandler<GitRepo> {

    private static final Logger LOG = Logger.getLogger(GitRepoWatch.class);

    @Inject
    KubernetesClient client;

    @Inject
    GitRepoTracker tracker;

    @Inject
    WebhookPollTrigger webhookPolls;

    /**
     * Every GitRepo is handed in again this often and compared with what was published: a change whose publish
     * failed is published then, without waiting for the next edit.
     */
    @ConfigProperty(name = "gitjob.watcher.resync-period", defaultValue = "5m")
    Duration resyncPeriod;

    /**
     * Whether the informer keeps only what the watcher reads of each GitRepo ({@link CachedGitRepoTrim}); false
     * keeps whole GitRepos, managedFields and status included (the benchmark's comparison, or a way out should a
     * field the watcher reads be missing from the trim).
     */
    @ConfigProperty(name = "gitjob.watcher.trim-cache", defaultValue = "true")
    boolean trimCache;

    /** Namespaces to watch; empty: all namespaces. */
    @ConfigProperty(name = "gitjob.watcher.namespaces")
    Optional<List<String>> namespaces;

    /** Unset or empty: the default shard (an empty config value counts as unset, hence Optional). */
    @ConfigProperty(name = Shard.CONFIG_KEY)
    Optional<String> shardId;

    private final List<SharedIndexInformer<GitRepo>> informers = new CopyOnWriteArrayList<>();
    private volatile boolean started;

    void start(@Observes StartupEvent event) {
        if (namespaces.isEmpty() || namespaces.get().isEmpty()) {
            informers.add(ofShard(client.resources(GitRepo.class).inAnyNamespace())
                    .runnableInformer(resyncPeriod.toMillis()));
        } else {
            for (String namespace : namespaces.get()) {
                informers.add(ofShard(client.resources(GitRepo.class).inNamespace(namespace))
                        .runnableInformer(resyncPeriod.toMillis()));
            }
        }
        for (SharedIndexInformer<GitRepo> informer : informers) {
            // Only what the watcher reads is cached: a whole GitRepo, status and managedFields included, is
            // most of the watcher's heap per GitRepo (docs/performance.md, "Heap per GitRepo").
            if (trimCache) {
                informer.itemStore(new TrimmedItemStore<>(GitRepo.class, CachedGitRepoTrim::trim,
                        client.getKubernetesSerialization()));
            }
            // Nothing here asks for a namespace's GitRepos; Fabric8's index of them is a set entry per GitRepo.
            informer.removeNamespaceIndex();
            informer.addEventHandler(this);
            // Started without waiting, and listing again for ever: an API server that is away or slow at start
            // (or later) must not stop the watcher; a rebuild waits for the first list (awaitSynced).
            informer.exceptionHandler((started, t) -> {
                LOG.warnf("The GitRepo informer failed (%s); it lists and watches again", t.toString());
                return true;
            });
            informer.start();
        }
        started = true;
        LOG.infof("Watching GitRepos in %s of shard \"%s\" (%s)", namespaces.filter(n -> !n.isEmpty())
                .map(Object::toString).orElse("all namespaces"), shard().id(), shard().labelSelector());
    }

    public Shard shard() {
        return new Shard(shardId.orElse(""));
    }

    private <L, R> FilterWatchListDeletable<GitRepo, L, R> ofShard(FilterWatchListDeletable<GitRepo, L, R> gitRepos) {
        Shard shard = shard();
        return shard.id().isEmpty() ? gitRepos.withoutLabel(FleetConventions.SHARD_REF_LABEL)
                : gitRepos.withLabel(FleetConventions.SHARD_REF_LABEL, shard.id());
    }

    /**
     * Whether this GitRepo (this uid) still exists but in another shard: read from the API, as the informer no
     * longer shows it. An API error is thrown (the caller must not guess: a wrong guess publishes a deletion).
     */
    public boolean inAnotherShard(GitRepoRef ref) {
        GitRepo fresh = client.resources(GitRepo.class).inNamespace(ref.namespace()).withName(ref.name()).get();
        return fresh != null && ref.uid().equals(fresh.getMetadata().getUid()) && !shard().manages(fresh);
    }

    void stop(@Observes ShutdownEvent event) {
        informers.forEach(SharedIndexInformer::stop);
    }

    /** Every GitRepo of this shard the informers hold now (the rebuild's cluster, the webhooks' fan-out). */
    public Collection<GitRepo> cached() {
        Shard shard = shard();
        List<GitRepo> all = new ArrayList<>();
        informers.forEach(i -> i.getStore().list().stream().filter(shard::manages).forEach(all::add));
        return all;
    }

    /**
     * This GitRepo as the informers hold it now, trimmed to what the watcher reads ({@link CachedGitRepoTrim}):
     * the poller reads the parts no event carries from it (the URL with
     * any credentials a user wrote into it, the CA bundle, TLS and Secret settings), so they never leave memory.
     */
    public Optional<GitRepo> cachedGitRepo(GitRepoKey key) {
        String storeKey = key.namespace() + "/" + key.name();
        for (SharedIndexInformer<GitRepo> informer : informers) {
            GitRepo gitRepo = informer.getStore().getByKey(storeKey);
            if (gitRepo != null && shard().manages(gitRepo)) {
                return Optional.of(gitRepo);
            }
        }
        return Optional.empty();
    }

    /**
     * Waits until the informers have listed every GitRepo: a rebuild against a half-filled cache would take
     * the missing GitRepos for deleted ones.
     */
    public void awaitSynced(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!started || informers.stream().anyMatch(i -> !i.hasSynced())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the GitRepo informer did not sync within " + timeout);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the GitRepo informer", e);
            }
        }
    }

    @Override
    public void onAdd(GitRepo gitRepo) {
        if (!shard().manages(gitRepo)) {
            return;
        }
        tracker.observed(gitRepo);
        tracker.recordIfMissing(gitRepo);
    }

    @Override
    public void onUpdate(GitRepo old, GitRepo current) {
        if (!shard().manages(current)) {
            tracker.released(current);
            return;
        }
        // Compared with what was last published, not with the informer's old copy: the same rule as a rebuild.
        tracker.observed(current);
        tracker.recordIfMissing(current);
        webhookPolls.updated(old, current);
    }

    /**
     * A GitRepo labelled into another shard stops matching the informer's selector, and the API server tells
     * the watch so with a delete carrying the object as it was before the label: only a read tells a deletion
     * from a move. The read failing (rare: the delete just came from the same server) counts as a deletion.
     */
    @Override
    public void onDelete(GitRepo gitRepo, boolean deletedFinalStateUnknown) {
        GitRepoRef ref = GitRepoEventFactory.ref(gitRepo);
        if (!tracker.owns(ref.key())) {
            return; // its owner reads and decides
        }
        boolean moved;
        try {
            moved = inAnotherShard(ref);
        } catch (KubernetesClientException e) {
            LOG.warnf("Could not read %s/%s after its delete (%s); taken as deleted",
                    gitRepo.getMetadata().getNamespace(), gitRepo.getMetadata().getName(), e.getMessage());
            moved = false;
        }
        if (moved) {
            tracker.released(gitRepo);
        } else {
            tracker.gone(gitRepo);
        }
    }
}
