package io.gitjob.watcher;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.EventCodec;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoCondition;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.testing.KafkaTestClient;

/** Helpers of the watcher's tests (candidates for test-support). */
final class TestSupport {

    static final String NAMESPACE = "fleet-local";

    private TestSupport() {
    }

    static GitRepo gitRepo(String name, String repo, Consumer<GitRepoSpec> customize) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace(NAMESPACE).withName(name).build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo(repo);
        customize.accept(spec);
        gitRepo.setSpec(spec);
        return gitRepo;
    }

    static GitRepo get(KubernetesClient client, String name) {
        return client.resources(GitRepo.class).inNamespace(NAMESPACE).withName(name).get();
    }

    /**
     * A user's edit of a GitRepo, made again from a fresh read on a conflict: the watcher writes the GitRepo too
     * (its status and the polled-source annotation after a poll or the one check of a GitRepo without polling).
     */
    static GitRepo edit(KubernetesClient client, String name, java.util.function.UnaryOperator<GitRepo> change) {
        return retryOnConflict(() -> client.resources(GitRepo.class).inNamespace(NAMESPACE).withName(name)
                .edit(change));
    }

    static <T> T retryOnConflict(java.util.function.Supplier<T> write) {
        for (int attempt = 1;; attempt++) {
            try {
                return write.get();
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    static GitRepoCondition gitPolling(KubernetesClient client, String name) {
        GitRepo gitRepo = get(client, name);
        if (gitRepo == null || gitRepo.getStatus() == null) {
            return null;
        }
        return gitRepo.getStatus().getConditions().stream().filter(c -> "GitPolling".equals(c.getType()))
                .findFirst().orElse(null);
    }

    /** The Kubernetes Events (events.k8s.io/v1) recorded on a GitRepo, oldest first. */
    static List<io.fabric8.kubernetes.api.model.events.v1.Event> kubernetesEvents(KubernetesClient client,
            String name) {
        return client.events().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> e.getRegarding() != null && name.equals(e.getRegarding().getName()))
                .sorted(java.util.Comparator.comparing(e -> e.getEventTime().getTime())).toList();
    }

    /** The Kubernetes Events of {@code reason} on a GitRepo. */
    static List<io.fabric8.kubernetes.api.model.events.v1.Event> kubernetesEvents(KubernetesClient client,
            String name, String reason) {
        return kubernetesEvents(client, name).stream().filter(e -> reason.equals(e.getReason())).toList();
    }

    /** Whether an event is about the GitRepo's life (not a fetch outcome, which its remote decides). */
    static boolean lifecycle(GitRepoEvent event) {
        return !(event instanceof GitRepoEvent.CommitFetchFailed || event instanceof GitRepoEvent.CommitDetected);
    }

    /**
     * Every gitrepo event of {@code key} the reader has seen up to now: a marker record is sent with the same key
     * (so to the same partition, after everything already published for it) and awaited. Fetch tallies
     * ({@code gitrepo.head-unchanged}, a record for metrics, not a change) are left out.
     */
    static List<GitRepoEvent> eventsUpToNow(KafkaTestClient kafka, KafkaTestClient.TopicReader events, String key) {
        String marker = "marker-" + UUID.randomUUID();
        kafka.sendRaw(Topics.GITREPO_EVENTS, key, marker.getBytes(StandardCharsets.UTF_8));
        events.await(r -> key.equals(r.key()) && r.value() != null
                && marker.equals(new String(r.value(), StandardCharsets.UTF_8)), Duration.ofSeconds(30));
        return events.seen().stream().filter(r -> key.equals(r.key())).map(TestSupport::decode)
                .filter(e -> e != null && !(e instanceof GitRepoEvent.HeadUnchanged)).toList();
    }

    private static GitRepoEvent decode(ConsumerRecord<String, byte[]> record) {
        try {
            return EventCodec.decode(record.value(), GitRepoEvent.class);
        } catch (RuntimeException e) {
            return null; // a marker
        }
    }
}
