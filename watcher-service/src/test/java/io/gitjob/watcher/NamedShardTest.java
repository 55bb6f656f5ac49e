package io.gitjob.watcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.Topics;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** An installation of shard {@code canary}: only GitRepos labelled {@code fleet.cattle.io/shard-ref=canary}. */
@QuarkusTest
@TestProfile(NamedShardTest.Canary.class)
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class NamedShardTest {

    public static class Canary implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gitjob.shard-id", "canary");
        }
    }

    @Inject
    KubernetesClient client;

    @Test
    void onlyTheGitReposLabelledWithItsShardAreWatched() {
        try (var kafka = new KafkaTestClient(); var events = kafka.readFromNow(Topics.GITREPO_EVENTS)) {
            client.resource(TestSupport.gitRepo("default-shard", "https://git.example/a.git",
                    s -> s.setDisablePolling(true))).create();
            client.resource(ShardTest.labelled(TestSupport.gitRepo("other-shard", "https://git.example/b.git",
                    s -> s.setDisablePolling(true)), "blue")).create();
            client.resource(ShardTest.labelled(TestSupport.gitRepo("canary-one", "https://git.example/c.git",
                    s -> s.setDisablePolling(true)), "canary")).create();

            // The informer hands GitRepos in in the order they were written: the two before were skipped.
            events.awaitEvent(GitRepoEvent.Added.class, e -> e.gitRepo().name().equals("canary-one"),
                    Duration.ofSeconds(30));
            assertEquals(List.of(), TestSupport.eventsUpToNow(kafka, events, "fleet-local/default-shard"));
            assertEquals(List.of(), TestSupport.eventsUpToNow(kafka, events, "fleet-local/other-shard"));
        }
    }
}
