package io.gitjob.watcher;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoEvent.CommitSource;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.GitRepoState;
import io.gitjob.events.RepoSpec;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.watcher.webhook.RepoUrls;

/**
 * Builds gitrepo events. The time is always given by the caller ({@link GitRepoTracker}), which keeps the
 * times of one GitRepo strictly increasing; a bad spec is an {@link InvalidGitRepoException}.
 */
public final class GitRepoEventFactory {

    private GitRepoEventFactory() {
    }

    public static GitRepoEvent.Added added(Observed current, Instant time, String commit) {
        return new GitRepoEvent.Added(id(), time, current.ref(), current.generation(),
                current.forceSyncGeneration(), current.spec(), commit);
    }

    public static GitRepoEvent.SpecChanged specChanged(GitRepoState previous, Observed current, Instant time) {
        return new GitRepoEvent.SpecChanged(id(), time, current.ref(), current.generation(),
                current.forceSyncGeneration(), current.spec(), previous.generation(), previous.commit());
    }

    public static GitRepoEvent.ForceSync forceSync(GitRepoState previous, Observed current, Instant time) {
        return new GitRepoEvent.ForceSync(id(), time, current.ref(), current.generation(),
                current.forceSyncGeneration(), current.spec(), previous.forceSyncGeneration(), previous.commit());
    }

    public static GitRepoEvent.Deleted deleted(GitRepoState previous, Instant time) {
        return new GitRepoEvent.Deleted(id(), time, previous.gitRepo(), previous.generation(),
                previous.forceSyncGeneration());
    }

    public static GitRepoEvent.CommitDetected commitDetected(GitRepoState known, String branch, String commit,
            double fetchSeconds, CommitSource source, Instant time) {
        return new GitRepoEvent.CommitDetected(id(), time, known.gitRepo(), known.generation(),
                known.forceSyncGeneration(), RepoUrls.redact(known.spec().repo()), branch, commit, known.commit(),
                fetchSeconds, source);
    }

    public static GitRepoEvent.CommitFetchFailed fetchFailed(GitRepoState known, Throwable error,
            double fetchSeconds, Instant time) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return new GitRepoEvent.CommitFetchFailed(id(), time, known.gitRepo(), known.generation(),
                known.forceSyncGeneration(), RepoUrls.redact(known.spec().repo()), error.getClass().getName(),
                RepoUrls.redact(message), fetchSeconds);
    }

    /** @param eventId the caller's: a tally tried again keeps its id, so it is never counted twice */
    public static GitRepoEvent.HeadUnchanged headUnchanged(GitRepoState known, String eventId, String commit,
            Instant since, List<Double> fetchSeconds, Instant time) {
        return new GitRepoEvent.HeadUnchanged(eventId, time, known.gitRepo(), known.generation(),
                known.forceSyncGeneration(), commit, since, fetchSeconds);
    }

    static GitRepoRef ref(GitRepo gitRepo) {
        return new GitRepoRef(gitRepo.getMetadata().getNamespace(), gitRepo.getMetadata().getName(),
                gitRepo.getMetadata().getUid());
    }

    static long generation(GitRepo gitRepo) {
        Long generation = gitRepo.getMetadata().getGeneration();
        return generation == null ? 0 : generation;
    }

    static long forceSync(GitRepo gitRepo) {
        GitRepoSpec spec = gitRepo.getSpec();
        return spec == null || spec.getForceSyncGeneration() == null ? 0 : spec.getForceSyncGeneration();
    }

    /**
     * The spec as events carry it; a spec gitjob cannot act on is rejected with the reason. The URL has any
     * credentials a user wrote into it removed: events and the compacted state topic are read by anyone who may
     * read the topics, and kept for ever. The poller takes the URL it fetches from the live GitRepo instead.
     */
    static RepoSpec repoSpec(GitRepo gitRepo) {
        GitRepoSpec spec = gitRepo.getSpec();
        if (spec == null || spec.getRepo() == null || spec.getRepo().isBlank()) {
            throw new InvalidGitRepoException(gitRepo, "spec.repo is required");
        }
        return new RepoSpec(RepoUrls.redact(spec.getRepo().trim()), spec.getBranch(), spec.getRevision(), spec.getPaths(),
                spec.getTargetNamespace(), spec.getClientSecretName(), spec.getPollingInterval(),
                Boolean.TRUE.equals(spec.getDisablePolling()), Boolean.TRUE.equals(spec.getPaused()),
                Boolean.TRUE.equals(spec.getKeepResources()));
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
