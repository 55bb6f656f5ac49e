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
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gitjob.gitrepo.GitRepo;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Watches GitRepos with a Fabric8 informer (all namespaces, or the configured ones) and hands each change to
 * the {@link GitRepoTracker}, which publishes added, spec-changed, force-sync and deleted events for the
 * GitRepos this replica owns. Every replica runs the informer; its cache is also what a rebuild after a
 * partition assignment compares the {@code gitrepo-state} topic with.
 */
@ApplicationScoped
public class GitRepoWatch implements ResourceEventHandler<GitRepo> {

    private static final Logger LOG = Logger.getLogger(GitRepoWatch.class);

    @Inject
    KubernetesClient client;

    @Inject
    GitRepoTracker tracker;

    /**
     * Every GitRepo is handed in again this often and compared with what was published: a change whose publish
     * failed is published then, without waiting for the next edit.
     */
    @ConfigProperty(name = "gitjob.watcher.resync-period", defaultValue = "5m")
    Duration resyncPeriod;

    /** Namespaces to watch; empty: all namespaces. */
    @ConfigProperty(name = "gitjob.watcher.namespaces")
    Optional<List<String>> namespaces;

    private final List<SharedIndexInformer<GitRepo>> informers = new CopyOnWriteArrayList<>();
    private volatile boolean started;

    void start(@Observes StartupEvent event) {
        if (namespaces.isEmpty() || namespaces.get().isEmpty()) {
            informers.add(client.resources(GitRepo.class).inAnyNamespace().runnableInformer(resyncPeriod.toMillis()));
        } else {
            for (String namespace : namespaces.get()) {
                informers.add(client.resources(GitRepo.class).inNamespace(namespace)
                        .runnableInformer(resyncPeriod.toMillis()));
            }
        }
        for (SharedIndexInformer<GitRepo> informer : informers) {
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
        LOG.infof("Watching GitRepos in %s", namespaces.filter(n -> !n.isEmpty()).map(Object::toString)
                .orElse("all namespaces"));
    }

    void stop(@Observes ShutdownEvent event) {
        informers.forEach(SharedIndexInformer::stop);
    }

    /** Every GitRepo the informers hold now. */
    public Collection<GitRepo> cached() {
        List<GitRepo> all = new ArrayList<>();
        informers.forEach(i -> all.addAll(i.getStore().list()));
        return all;
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
        tracker.observed(gitRepo);
        tracker.recordIfMissing(gitRepo);
    }

    @Override
    public void onUpdate(GitRepo old, GitRepo current) {
        // Compared with what was last published, not with the informer's old copy: the same rule as a rebuild.
        tracker.observed(current);
        tracker.recordIfMissing(current);
    }

    @Override
    public void onDelete(GitRepo gitRepo, boolean deletedFinalStateUnknown) {
        tracker.gone(gitRepo);
    }
}
