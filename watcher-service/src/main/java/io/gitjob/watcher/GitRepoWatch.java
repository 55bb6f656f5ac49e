package io.gitjob.watcher;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.support.KafkaMessages;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Watches GitRepos with a Fabric8 informer and publishes what changed to {@code gitrepo-events}: this is
 * where added, spec-changed, force-sync and deleted events are produced.
 */
@ApplicationScoped
public class GitRepoWatch implements ResourceEventHandler<GitRepo> {

    private static final Logger LOG = Logger.getLogger(GitRepoWatch.class);

    @Inject
    KubernetesClient client;

    @Inject
    GitRepoEventFactory events;

    @Inject
    @Channel("gitrepo-events-out")
    MutinyEmitter<GitRepoEvent> emitter;

    /** Namespaces to watch; empty: all namespaces. */
    @ConfigProperty(name = "gitjob.watcher.namespaces")
    Optional<List<String>> namespaces;

    private final List<SharedIndexInformer<GitRepo>> informers = new java.util.ArrayList<>();

    void start(@Observes StartupEvent event) {
        if (namespaces.isEmpty() || namespaces.get().isEmpty()) {
            informers.add(client.resources(GitRepo.class).inAnyNamespace().inform(this));
        } else {
            for (String namespace : namespaces.get()) {
                informers.add(client.resources(GitRepo.class).inNamespace(namespace).inform(this));
            }
        }
        LOG.infof("Watching GitRepos in %s", namespaces.filter(n -> !n.isEmpty()).map(Object::toString)
                .orElse("all namespaces"));
    }

    void stop(@Observes ShutdownEvent event) {
        informers.forEach(SharedIndexInformer::stop);
    }

    @Override
    public void onAdd(GitRepo gitRepo) {
        publish(gitRepo, () -> events.added(gitRepo));
    }

    @Override
    public void onUpdate(GitRepo old, GitRepo current) {
        switch (GitRepoChanges.classifyUpdate(GitRepoEventFactory.generation(old), GitRepoEventFactory.forceSync(old),
                GitRepoEventFactory.generation(current), GitRepoEventFactory.forceSync(current))) {
            case FORCE_SYNC -> publish(current, () -> events.forceSync(old, current));
            case SPEC_CHANGED -> publish(current, () -> events.specChanged(old, current));
            case NONE -> {
                // status-only update: nothing for anyone to act on
            }
        }
    }

    @Override
    public void onDelete(GitRepo gitRepo, boolean deletedFinalStateUnknown) {
        publish(gitRepo, () -> events.deleted(gitRepo));
    }

    private void publish(GitRepo gitRepo, java.util.function.Supplier<GitRepoEvent> build) {
        GitRepoEvent event;
        try {
            event = build.get();
        } catch (InvalidGitRepoException e) {
            LOG.warn(e.getMessage());
            return;
        }
        emitter.sendMessageAndAwait(KafkaMessages.keyed(event));
        LOG.infof("Published %s for %s (generation %d)", event.type(), event.key(), event.generation());
    }
}
