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

    static GitRepoCondition gitPolling(KubernetesClient client, String name) {
        GitRepo gitRepo = get(client, name);
        if (gitRepo == null || gitRepo.getStatus() == null) {
            return null;
        }
        return gitRepo.getStatus().getConditions().stream().filter(c -> "GitPolling".equals(c.getType()))
                .findFirst().orElse(null);
    }

    /**
     * Every gitrepo event of {@code key} the reader has seen up to now: a marker record is sent with the same key
     * (so to the same partition, after everything already published for it) and awaited.
     */
    static List<GitRepoEvent> eventsUpToNow(KafkaTestClient kafka, KafkaTestClient.TopicReader events, String key) {
        String marker = "marker-" + UUID.randomUUID();
        kafka.sendRaw(Topics.GITREPO_EVENTS, key, marker.getBytes(StandardCharsets.UTF_8));
        events.await(r -> key.equals(r.key()) && r.value() != null
                && marker.equals(new String(r.value(), StandardCharsets.UTF_8)), Duration.ofSeconds(30));
        return events.seen().stream().filter(r -> key.equals(r.key())).map(TestSupport::decode)
                .filter(e -> e != null).toList();
    }

    private static GitRepoEvent decode(ConsumerRecord<String, byte[]> record) {
        try {
            return EventCodec.decode(record.value(), GitRepoEvent.class);
        } catch (RuntimeException e) {
            return null; // a marker
        }
    }
}
