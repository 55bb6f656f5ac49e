package io.gitjob.job;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.testing.GitRepoCrdSetup;
import io.gitjob.testing.KafkaBrokerResource;
import io.gitjob.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * A Job the API server refuses to create is reported and retried with backoff, and does not hold up other
 * GitRepos. The refusal is an expectation registered on Fabric8's mock API server (CRUD mode otherwise).
 */
@QuarkusTest
@TestProfile(CreationRetryTest.FastRetries.class)
@WithTestResource(KafkaBrokerResource.class)
@WithKubernetesTestServer(crud = true, setup = GitRepoCrdSetup.class)
class CreationRetryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @KubernetesTestServer
    KubernetesServer mockServer;

    @Inject
    KubernetesClient client;

    @Test
    void aRefusedCreateIsReportedAndRetriedWhileOtherGitReposGetTheirJobs() {
        // The API server refuses the first two creates in namespace "quota-hit" (403, as a ResourceQuota does;
        // Fabric8 itself retries 5xx answers, so those would never reach job-service), then accepts.
        mockServer.expect().post().withPath("/apis/batch/v1/namespaces/quota-hit/jobs")
                .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\",\"message\":\"exceeded quota: jobs\"}").times(2);
        GitRepo refused = createGitRepo("quota-hit", "refused");
        GitRepo other = createGitRepo("fleet-local", "unaffected");

        try (var kafka = new KafkaTestClient(); var jobEvents = kafka.readFromNow(Topics.GITJOB_EVENTS)) {
            kafka.send(commit(refused));
            kafka.send(commit(other));

            var failure = jobEvents.awaitEvent(GitJobEvent.JobCreationFailed.class,
                    e -> e.gitRepo().name().equals("refused"), WAIT);
            assertTrue(failure.errorMessage().contains("exceeded quota"), failure.errorMessage());
            jobEvents.awaitEvent(GitJobEvent.JobCreated.class, e -> e.gitRepo().name().equals("unaffected"), WAIT);

            var created = jobEvents.awaitEvent(GitJobEvent.JobCreated.class, e -> e.gitRepo().name().equals("refused"),
                    WAIT);
            long failures = jobEvents.seen().stream()
                    .filter(r -> r.key().equals("quota-hit/refused"))
                    .map(r -> io.gitjob.events.EventCodec.decode(r.value(), GitJobEvent.class))
                    .filter(GitJobEvent.JobCreationFailed.class::isInstance).count();
            assertEquals(2, failures);
            await().atMost(WAIT).until(() -> client.batch().v1().jobs().inNamespace("quota-hit")
                    .withName(created.jobName()).get() != null);
            assertEquals(1, client.batch().v1().jobs().inNamespace("quota-hit")
                    .withLabel(JobConventions.GITREPO_LABEL, "refused").list().getItems().size());
        }
    }

    @Test
    void aRepoUrlSecretThatCannotBeWrittenHoldsTheJobBackAndNoMessageCarriesTheToken() {
        String token = "ghp_NeverOutsideItsSecret";
        String url = "https://" + token + "@git.example/tokened.git";
        // The refusal quotes the URL, to show that even an API server's answer is redacted before it is passed on.
        mockServer.expect().post().withPath("/api/v1/namespaces/secret-refused/secrets")
                .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\",\"message\":"
                        + "\"denied by policy: " + url + "\"}").times(2);
        GitRepo gitRepo = createGitRepo("secret-refused", "tokened", url);

        try (var kafka = new KafkaTestClient(); var jobEvents = kafka.readFromNow(Topics.GITJOB_EVENTS)) {
            kafka.send(commit(gitRepo));

            var failure = jobEvents.awaitEvent(GitJobEvent.JobCreationFailed.class,
                    e -> e.gitRepo().name().equals("tokened"), WAIT);
            assertTrue(failure.errorMessage().contains("denied by policy: https://***@git.example/tokened.git"),
                    failure.errorMessage());
            assertTrue(client.batch().v1().jobs().inNamespace("secret-refused").list().getItems().isEmpty());

            var created = jobEvents.awaitEvent(GitJobEvent.JobCreated.class, e -> e.gitRepo().name().equals("tokened"),
                    WAIT);
            var job = client.batch().v1().jobs().inNamespace("secret-refused").withName(created.jobName()).get();
            String jobYaml = io.fabric8.kubernetes.client.utils.Serialization.asYaml(job);
            assertFalse(jobYaml.contains(token), jobYaml);
            assertTrue(jobYaml.contains("$(GITJOB_REPO_URL)"), jobYaml);
            var secret = client.secrets().inNamespace("secret-refused").withName("tokened-repo-url").get();
            assertEquals(url, new String(java.util.Base64.getDecoder().decode(secret.getData().get("url")),
                    java.nio.charset.StandardCharsets.UTF_8));
            for (var r : jobEvents.seen()) {
                String value = new String(r.value(), java.nio.charset.StandardCharsets.UTF_8);
                assertFalse(value.contains(token), value);
            }
            // Events are written in the background: the refusal's is there once one names it.
            await().atMost(WAIT).until(() -> client.events().v1().events().inNamespace("secret-refused").list()
                    .getItems().stream().anyMatch(e -> "FailedToCreateJob".equals(e.getReason())));
            for (var e : client.events().v1().events().inNamespace("secret-refused").list().getItems()) {
                String event = io.fabric8.kubernetes.client.utils.Serialization.asYaml(e);
                assertFalse(event.contains(token), event);
            }
            var status = client.resource(gitRepo).get().getStatus();
            assertFalse(io.fabric8.kubernetes.client.utils.Serialization.asYaml(status).contains(token));
        }
    }

    private GitRepo createGitRepo(String namespace, String name) {
        return createGitRepo(namespace, name, "https://git.example/" + name + ".git");
    }

    private GitRepo createGitRepo(String namespace, String name, String url) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo(url);
        gitRepo.setSpec(spec);
        return client.resource(gitRepo).create();
    }

    /** As the watcher does: the commit found is recorded in the status first, then published. */
    private GitRepoEvent.CommitDetected commit(GitRepo gitRepo) {
        var meta = gitRepo.getMetadata();
        io.gitjob.gitrepo.GitRepoStatusEdit.edit(client,
                new GitRepoRef(meta.getNamespace(), meta.getName(), meta.getUid()), s -> s.setPollingCommit("c1"));
        return new GitRepoEvent.CommitDetected(UUID.randomUUID().toString(), Instant.now(),
                new GitRepoRef(meta.getNamespace(), meta.getName(), meta.getUid()), 1, 0,
                io.gitjob.events.UrlCredentials.redact(gitRepo.getSpec().getRepo()),
                "main", "c1", null, 0.1, GitRepoEvent.CommitSource.POLL);
    }

    public static class FastRetries implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gitjob.job.retry.initial-backoff", "200ms",
                    "gitjob.job.retry.max-backoff", "1s");
        }
    }
}
