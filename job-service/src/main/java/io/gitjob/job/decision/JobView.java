package io.gitjob.job.decision;

import java.time.Instant;

import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.JobPhase;

/**
 * What job-service observes of one of its Jobs.
 *
 * @param uid the Job's uid: deletes are made on it (a Job re-created under the same name is another one), and
 *        the events of its transitions take their ids from it
 * @param resourceVersion the version read: a delete is made only of the Job as it was seen (a precondition
 *        stronger than the uid, which a re-created Job of the same name does not share either)
 * @param gitRepo the owning GitRepo, from the Job's controller ownerReference
 * @param commit the {@code commit} annotation; null on a Job that has none
 * @param failureReported the Job carries gitjob's mark that its failure was already published
 * @param deleting the Job has a deletion timestamp: it is on its way out
 * @param traceparent the trace the Job was created in, so its completion joins it; null when none
 * @param stuck its Pod cannot start (an image that cannot be pulled, a missing Secret, unschedulable past the
 *        configured time): Kubernetes still counts the Job active, gitjob counts it {@link JobPhase#FAILED}
 *        (with the Pod's reason as {@code failureReason}), and replaces it like a running one
 */
public record JobView(String name, String uid, String resourceVersion, GitRepoRef gitRepo, String commit, long generation,
        long forceSyncGeneration, JobPhase phase, Instant startTime, Instant completionTime, String failureReason,
        boolean failureReported, boolean deleting, String traceparent, boolean stuck) {

    public JobView(String name, String uid, String resourceVersion, GitRepoRef gitRepo, String commit,
            long generation, long forceSyncGeneration, JobPhase phase, Instant startTime, Instant completionTime,
            String failureReason, boolean failureReported, boolean deleting, String traceparent) {
        this(name, uid, resourceVersion, gitRepo, commit, generation, forceSyncGeneration, phase, startTime,
                completionTime, failureReason, failureReported, deleting, traceparent, false);
    }

    public boolean running() {
        return phase == JobPhase.RUNNING && !deleting;
    }

    /** Its Pods may still run or be retried by Kubernetes: a running Job, or one stuck before it could start. */
    public boolean active() {
        return (phase == JobPhase.RUNNING || stuck) && !deleting;
    }
}
