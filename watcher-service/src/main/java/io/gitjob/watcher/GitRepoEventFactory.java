package io.gitjob.watcher;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.RepoSpec;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;

/** Builds gitrepo events from GitRepo resources; a bad spec is an {@link InvalidGitRepoException}. */
@ApplicationScoped
public class GitRepoEventFactory {

    private final Clock clock;

    public GitRepoEventFactory() {
        this(Clock.systemUTC());
    }

    GitRepoEventFactory(Clock clock) {
        this.clock = clock;
    }

    public GitRepoEvent.Added added(GitRepo gitRepo) {
        return new GitRepoEvent.Added(id(), clock.instant(), ref(gitRepo), generation(gitRepo), forceSync(gitRepo),
                repoSpec(gitRepo), null);
    }

    public GitRepoEvent.SpecChanged specChanged(GitRepo old, GitRepo current) {
        return new GitRepoEvent.SpecChanged(id(), clock.instant(), ref(current), generation(current),
                forceSync(current), repoSpec(current), generation(old), null);
    }

    public GitRepoEvent.ForceSync forceSync(GitRepo old, GitRepo current) {
        return new GitRepoEvent.ForceSync(id(), clock.instant(), ref(current), generation(current),
                forceSync(current), repoSpec(current), forceSync(old), null);
    }

    public GitRepoEvent.Deleted deleted(GitRepo gitRepo) {
        return new GitRepoEvent.Deleted(id(), clock.instant(), ref(gitRepo), generation(gitRepo),
                forceSync(gitRepo));
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

    /** The spec as events carry it; a spec gitjob cannot act on is rejected with the reason. */
    static RepoSpec repoSpec(GitRepo gitRepo) {
        GitRepoSpec spec = gitRepo.getSpec();
        if (spec == null || spec.getRepo() == null || spec.getRepo().isBlank()) {
            throw new InvalidGitRepoException(gitRepo, "spec.repo is required");
        }
        return new RepoSpec(spec.getRepo(), spec.getBranch(), spec.getRevision(), spec.getPaths(),
                spec.getTargetNamespace(), spec.getClientSecretName(), spec.getPollingInterval(),
                Boolean.TRUE.equals(spec.getDisablePolling()), Boolean.TRUE.equals(spec.getPaused()),
                Boolean.TRUE.equals(spec.getKeepResources()));
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
