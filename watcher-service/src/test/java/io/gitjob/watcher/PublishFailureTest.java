package io.gitjob.watcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoState;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.watcher.poll.RefSelection.Head;
import io.gitjob.watcher.state.StateTopic;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * A commit the broker does not take, or the API server does not record in the status, is not forgotten: the
 * watcher's view stays at what was published, so the next poll of the same head records and publishes it. (The tracker alone, with an emitter that fails on demand.)
 */
class PublishFailureTest {

    private final List<GitRepoEvent> published = new ArrayList<>();
    private final List<String> recorded = new ArrayList<>();
    private boolean brokerDown;
    private boolean apiDown;

    @Test
    void aCommitThatCouldNotBePublishedIsPublishedOnTheNextPoll() {
        GitRepoTracker tracker = tracker();
        GitRepo gitRepo = gitRepo();
        tracker.assigned(Set.of(0), 1, Map.of(), () -> List.of(gitRepo));
        assertEquals(1, published.size(), "the rebuild publishes the new GitRepo");
        GitRepoState state = tracker.snapshot().get(0);

        brokerDown = true;
        assertThrows(PublishFailedException.class, () -> tracker.commitFetched(state.gitRepo(), state.spec(),
                new Head("c1", "main"), 0.1, GitRepoEvent.CommitSource.POLL));
        assertEquals(null, tracker.snapshot().get(0).commit(), "the unpublished commit is not taken as known");

        brokerDown = false;
        apiDown = true;
        int publishedBefore = published.size();
        assertThrows(PublishFailedException.class, () -> tracker.commitFetched(state.gitRepo(), state.spec(),
                new Head("c1", "main"), 0.1, GitRepoEvent.CommitSource.POLL));
        assertEquals(publishedBefore, published.size(), "no event for a commit the status does not record");
        assertEquals(null, tracker.snapshot().get(0).commit(), "a commit not recorded is not taken as known");

        apiDown = false;
        assertTrue(tracker.commitFetched(state.gitRepo(), state.spec(), new Head("c1", "main"), 0.1,
                GitRepoEvent.CommitSource.POLL));
        assertEquals("c1", ((GitRepoEvent.CommitDetected) published.get(published.size() - 1)).commit());
        assertEquals("c1", tracker.snapshot().get(0).commit());
        assertEquals(List.of("c1", "c1"), recorded, "recorded in the status before each attempt to publish");
    }

    @SuppressWarnings("unchecked")
    private GitRepoTracker tracker() {
        GitRepoTracker tracker = new GitRepoTracker();
        tracker.publisher = new GitRepoEventPublisher();
        tracker.publisher.emitter = (MutinyEmitter<GitRepoEvent>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { MutinyEmitter.class }, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "sendMessage":
                            published.add(((Message<GitRepoEvent>) args[0]).getPayload());
                            return Uni.createFrom().voidItem();
                        case "sendMessageAndAwait":
                            if (brokerDown) {
                                throw new IllegalStateException("broker unreachable");
                            }
                            published.add(((Message<GitRepoEvent>) args[0]).getPayload());
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
        tracker.statusWriter = new io.gitjob.watcher.poll.PollingStatusWriter() {
            @Override
            public boolean commitFound(io.gitjob.events.GitRepoRef ref, io.gitjob.events.RepoSpec source,
                    String commit, java.time.Instant at) {
                if (apiDown) {
                    throw new IllegalStateException("API server unreachable");
                }
                recorded.add(commit);
                return true;
            }
        };
        tracker.stateTopic = new StateTopic() {
            @Override
            public void write(GitRepoState state) {
                // the state topic is not under test
            }
        };
        return tracker;
    }

    private static GitRepo gitRepo() {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace("fleet-local").withName("simple").withUid("uid-1")
                .withGeneration(1L).build());
        GitRepoSpec spec = new GitRepoSpec();
        spec.setRepo("https://git.example/simple.git");
        spec.setBranch("main");
        gitRepo.setSpec(spec);
        return gitRepo;
    }
}
