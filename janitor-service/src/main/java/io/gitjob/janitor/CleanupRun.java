package io.gitjob.janitor;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoRef;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.support.KafkaMessages;
import io.smallrye.reactive.messaging.MutinyEmitter;

/** One cleanup run: deletes the succeeded Jobs gitjob manages and says so on {@code gitjob-events}. */
@ApplicationScoped
public class CleanupRun {

    private static final Logger LOG = Logger.getLogger(CleanupRun.class);

    @Inject
    KubernetesClient client;

    @Inject
    @Channel("gitjob-events-out")
    MutinyEmitter<GitJobEvent> emitter;

    private final Clock clock = Clock.systemUTC();

    public int run() {
        int deleted = 0;
        for (Job job : client.batch().v1().jobs().inAnyNamespace().withLabel(JobConventions.MANAGED_BY_LABEL,
                JobConventions.MANAGED_BY_VALUE).list().getItems()) {
            var gitRepo = JobConventions.gitRepoOf(job);
            if (gitRepo.isEmpty() || !succeeded(job)) {
                continue;
            }
            client.resource(job).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            emitter.sendMessageAndAwait(KafkaMessages.keyed(deletedEvent(job, gitRepo.get())));
            deleted++;
        }
        LOG.infof("Cleanup run deleted %d succeeded Job(s)", deleted);
        return deleted;
    }

    static boolean succeeded(Job job) {
        return job.getStatus() != null && job.getStatus().getSucceeded() != null && job.getStatus().getSucceeded() >= 1
                && job.getStatus().getCompletionTime() != null;
    }

    private GitJobEvent.JobDeleted deletedEvent(Job job, GitRepoRef gitRepo) {
        var meta = job.getMetadata();
        return new GitJobEvent.JobDeleted(UUID.randomUUID().toString(), clock.instant(), gitRepo,
                JobConventions.number(meta.getLabels(), JobConventions.GITREPO_GENERATION_LABEL),
                JobConventions.number(meta.getLabels(), JobConventions.FORCE_SYNC_GENERATION_LABEL),
                meta.getName(), meta.getAnnotations() == null ? null
                        : meta.getAnnotations().get(JobConventions.COMMIT_ANNOTATION),
                GitJobEvent.DeletedBy.JANITOR, "succeeded");
    }
}
