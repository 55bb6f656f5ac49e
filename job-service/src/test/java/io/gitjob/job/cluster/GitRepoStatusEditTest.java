package io.gitjob.job.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoConditions;
import io.gitjob.gitrepo.GitRepoCrd;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.GitRepoStatusEdit;

/**
 * Every service's status write (gitrepo-api's {@link GitRepoStatusEdit}) against Fabric8's mock API server in CRUD
 * mode, standing in for the cluster's: on a copy the caller saw it is one PATCH; on a copy someone wrote over since,
 * the API server's 409 (the mock checks the patched resourceVersion as kube-apiserver does) makes it read and write
 * again, and the other writer's fields stay. Requests are taken from the mock's journal.
 */
@EnableKubernetesMockClient(crud = true)
class GitRepoStatusEditTest {

    static KubernetesClient client;
    static KubernetesMockServer server;

    private GitRepo created;
    private GitRepoRef ref;

    @BeforeEach
    void gitRepo() throws Exception {
        try {
            client.apiextensions().v1().customResourceDefinitions().resource(GitRepoCrd.load()).create();
        } catch (KubernetesClientException alreadyThere) {
            // one CRD for every test of the class
        }
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withGenerateName("app-").build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://git.example/app.git");
        gitRepo.setSpec(spec);
        created = client.resource(gitRepo).create();
        ref = new GitRepoRef("ns", created.getMetadata().getName(), created.getMetadata().getUid());
        GitRepoStatusEdit.edit(client, ref, status -> {
            status.setPollingCommit("p1");
            GitRepoConditions.set(status.getConditions(), "GitPolling", "True", null, null, "2026-12-01T10:00:00Z");
        });
        served();
    }

    @Test
    void onTheCopyAsItIsAWriteIsOnePatchAndNoRead() throws Exception {
        GitRepo seen = read();
        served();

        GitRepo written = GitRepoStatusEdit.edit(client, ref, seen, s -> s.setGitJobStatus("Current")).orElseThrow();

        assertEquals(List.of("PATCH"), served());
        assertEquals("Current", written.getStatus().getGitJobStatus());
        assertEquals("p1", written.getStatus().getPollingCommit());
        assertEquals(List.of("GitPolling"), written.getStatus().getConditions().stream().map(c -> c.getType()).toList());
    }

    @Test
    void onACopySomeoneWroteOverSinceTheConflictIsWrittenAgainOnAFreshReadAndTheirFieldsStay() throws Exception {
        GitRepo stale = read();
        GitRepoStatusEdit.edit(client, ref, s -> {
            s.setCommit("c0");
            GitRepoConditions.set(s.getConditions(), "Ready", "True", "JobSucceeded", "", "2026-12-01T10:01:00Z");
        });
        served();

        GitRepo written = GitRepoStatusEdit.edit(client, ref, stale, s -> {
            s.setGitJobStatus("Current");
            GitRepoConditions.set(s.getConditions(), "GitPolling", "False", "Error", "unreachable",
                    "2026-12-01T10:02:00Z");
        }).orElseThrow();

        assertEquals(List.of("PATCH", "GET", "PATCH"), served(), "the 409, the fresh read, the write");
        var status = read().getStatus();
        assertEquals("c0", status.getCommit(), "the other writer's field");
        assertEquals("Current", status.getGitJobStatus());
        assertEquals(List.of("GitPolling False", "Ready True"), status.getConditions().stream()
                .map(c -> c.getType() + " " + c.getStatus()).sorted().toList());
        assertEquals(written.getMetadata().getResourceVersion(), read().getMetadata().getResourceVersion());
    }

    @Test
    void aChangeThatChangesNothingSendsNothingAndAGitRepoOfAnotherUidGetsNothing() throws Exception {
        GitRepo seen = read();
        served();

        assertEquals(Optional.of(seen), GitRepoStatusEdit.edit(client, ref, seen, s -> s.setPollingCommit("p1")));
        GitRepoRef other = new GitRepoRef("ns", ref.name(), "another-uid");
        assertEquals(Optional.empty(), GitRepoStatusEdit.edit(client, other, seen, s -> s.setCommit("x")));

        assertEquals(List.of(), served());
        assertTrue(read().getStatus().getCommit() == null);
    }

    private GitRepo read() {
        return client.resources(GitRepo.class).inNamespace("ns").withName(ref.name()).get();
    }

    /** The methods of the requests the mock served since the last call. */
    private static List<String> served() throws InterruptedException {
        List<String> methods = new ArrayList<>();
        for (var r = server.takeRequest(0, TimeUnit.MILLISECONDS); r != null; r = server.takeRequest(0,
                TimeUnit.MILLISECONDS)) {
            methods.add(r.getMethod());
        }
        return methods;
    }
}
