package io.gitjob.watcher.events;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.support.KubernetesEventRecorder;
import io.gitjob.watcher.webhook.RepoUrls;

/**
 * The Kubernetes Events the watcher records on a GitRepo, with the reasons and actions Fleet v0.16.1's gitjob
 * uses for the same moments, so {@code kubectl describe gitrepo} reads as under Fleet. Fleet's polling job
 * records {@code FailedToCheckCommit} on every failed poll (the recorder folds repeats into one Event's count);
 * Fleet's reconciler, which makes the one check of a GitRepo with {@code disablePolling}, records
 * {@code Failed} instead.
 */
@ApplicationScoped
public class GitRepoKubernetesEvents {

    public static final String GOT_NEW_COMMIT = "GotNewCommit";
    public static final String GET_NEW_COMMIT = "GetNewCommit";
    public static final String FAILED_TO_CHECK_COMMIT = "FailedToCheckCommit";
    public static final String CHECK_COMMIT = "CheckCommit";
    public static final String FAILED = "Failed";
    public static final String MONITOR_LATEST_COMMIT = "MonitorLatestCommit";

    @Inject
    KubernetesEventRecorder recorder;

    /** A commit the watcher did not know, from a poll, the one check of disablePolling, or a webhook. */
    public void newCommit(GitRepoRef gitRepo, String commit) {
        recorder.normal(regarding(gitRepo), GOT_NEW_COMMIT, GET_NEW_COMMIT, commit);
    }

    /** A scheduled poll failed. */
    public void pollFailed(GitRepoRef gitRepo, String message) {
        recorder.warning(regarding(gitRepo), FAILED_TO_CHECK_COMMIT, CHECK_COMMIT, RepoUrls.redact(message));
    }

    /** The one check of a GitRepo with disablePolling failed. */
    public void checkFailed(GitRepoRef gitRepo, String message) {
        recorder.warning(regarding(gitRepo), FAILED, MONITOR_LATEST_COMMIT, RepoUrls.redact(message));
    }

    private static GitRepo regarding(GitRepoRef ref) {
        GitRepo gitRepo = new GitRepo();
        gitRepo.setMetadata(new ObjectMetaBuilder().withNamespace(ref.namespace()).withName(ref.name())
                .withUid(ref.uid()).build());
        return gitRepo;
    }
}
