package io.gitjob.job;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.job.cluster.ClusterState;
import io.gitjob.job.cluster.GitRepoStatusWriter;
import io.gitjob.job.decision.Action;
import io.gitjob.job.decision.JobView;
import io.gitjob.job.template.JobFactory;
import io.gitjob.support.Tracing;

/**
 * Carries out decided actions: the Kubernetes calls and the events that report them. With
 * {@code gitjob.dry-run=true} it only logs what it would do, so a replay can be debugged safely.
 */
@ApplicationScoped
public class ActionExecutor {

    private static final Logger LOG = Logger.getLogger(ActionExecutor.class);

    @Inject
    KubernetesClient client;

    @Inject
    GitJobEventPublisher events;

    @Inject
    GitRepoStatusWriter status;

    @Inject
    JobTemplates templates;

    @Inject
    Tracing tracing;

    @ConfigProperty(name = "gitjob.dry-run", defaultValue = "false")
    boolean dryRun;

    /** The trace a Job was created in, so its completion (seen later by the watch) joins that trace. */
    public static final String TRACEPARENT_ANNOTATION = "gitjob.io/traceparent";

    /** Runs the actions in order. A Job that cannot be created is a {@link JobCreationException}. */
    public void execute(List<Action> actions, GitRepo gitRepo) {
        for (Action action : actions) {
            if (dryRun) {
                LOG.infof("dry run: would %s", describe(action));
                continue;
            }
            if (action instanceof Action.TerminateJob terminate) {
                deleteJob(terminate.job());
                events.terminated(terminate.job(), terminate.cause());
                LOG.infof("Terminated Job %s (%s)", terminate.job().name(), terminate.cause());
            } else if (action instanceof Action.CreateJob create) {
                createJob(gitRepo, create);
            } else if (action instanceof Action.CompleteSucceededJob done) {
                completeSucceeded(done);
            } else if (action instanceof Action.ReportFailedJob failed) {
                reportFailed(failed);
            }
        }
    }

    private void createJob(GitRepo gitRepo, Action.CreateJob create) {
        var ref = ClusterState.view(gitRepo).ref();
        Job job;
        try {
            job = new JobFactory(templates.current()).build(gitRepo, create);
            String traceparent = tracing.currentAsMap().get("traceparent");
            if (traceparent != null) {
                job.getMetadata().getAnnotations().put(TRACEPARENT_ANNOTATION, traceparent);
            }
            client.resource(job).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                // Another delivery of the same event got there first: the Job it wants exists.
                LOG.infof("Job %s exists already", create.jobName());
                return;
            }
            events.creationFailed(ref, create.generation(), create.forceSyncGeneration(), create.jobName(),
                    create.commit(), e);
            throw new JobCreationException(create.jobName(), e);
        } catch (RuntimeException e) {
            events.creationFailed(ref, create.generation(), create.forceSyncGeneration(), create.jobName(),
                    create.commit(), e);
            throw new JobCreationException(create.jobName(), e);
        }
        events.created(ref, create.generation(), create.forceSyncGeneration(), create.jobName(), create.commit());
        status.jobCreated(ref, create.jobName(), create.commit(), create.generation(), create.forceSyncGeneration(),
                create.eventTime());
        LOG.infof("Created Job %s/%s for commit %s (generation %d, forceSyncGeneration %d)",
                ref.namespace(), create.jobName(), create.commit(), create.generation(), create.forceSyncGeneration());
    }

    private void completeSucceeded(Action.CompleteSucceededJob done) {
        JobView job = done.job();
        events.succeeded(job, done.durationSeconds());
        if (done.markApplied() && job.commit() != null) {
            status.jobSucceeded(job.gitRepo(), job.name(), job.commit());
        }
        deleteJob(job);
        events.deleted(job, "succeeded");
        LOG.infof("Job %s/%s succeeded in %.1f s; deleted with its Pods", job.gitRepo().namespace(), job.name(),
                done.durationSeconds());
    }

    private void reportFailed(Action.ReportFailedJob failed) {
        JobView job = failed.job();
        String message = terminationMessage(job);
        events.failed(job, message);
        if (failed.markStalled()) {
            status.jobFailed(job.gitRepo(), job.name(), message == null ? job.failureReason() : message);
        }
        client.batch().v1().jobs().inNamespace(job.gitRepo().namespace()).withName(job.name())
                .edit(j -> {
                    if (j.getMetadata().getAnnotations() == null) {
                        j.getMetadata().setAnnotations(new java.util.HashMap<>());
                    }
                    j.getMetadata().getAnnotations().put(ClusterState.FAILURE_REPORTED_ANNOTATION, "true");
                    return j;
                });
        LOG.warnf("Job %s/%s failed (%s): %s; kept for troubleshooting", job.gitRepo().namespace(), job.name(),
                job.failureReason(), message);
    }

    /** Background propagation: the Job goes at once and Kubernetes deletes its Pods after it. */
    private void deleteJob(JobView job) {
        client.batch().v1().jobs().inNamespace(job.gitRepo().namespace()).withName(job.name())
                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    }

    /** The failed Pod's termination message: what the apply step said when it gave up. */
    private String terminationMessage(JobView job) {
        for (String label : new String[] { "batch.kubernetes.io/job-name", "job-name" }) {
            List<Pod> pods = client.pods().inNamespace(job.gitRepo().namespace()).withLabel(label, job.name()).list()
                    .getItems();
            for (Pod pod : pods) {
                if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
                    continue;
                }
                for (var container : pod.getStatus().getContainerStatuses()) {
                    var terminated = container.getState() == null ? null : container.getState().getTerminated();
                    if (terminated != null && terminated.getMessage() != null && !terminated.getMessage().isBlank()) {
                        return terminated.getMessage().strip();
                    }
                }
            }
        }
        return null;
    }

    static String describe(Action action) {
        if (action instanceof Action.CreateJob c) {
            return "create Job " + c.jobName() + " for commit " + c.commit() + " (generation " + c.generation()
                    + ", forceSyncGeneration " + c.forceSyncGeneration() + ")";
        } else if (action instanceof Action.TerminateJob t) {
            return "terminate Job " + t.job().name() + " (" + t.cause() + ")";
        } else if (action instanceof Action.CompleteSucceededJob s) {
            return "record Job " + s.job().name() + " as succeeded and delete it";
        } else if (action instanceof Action.ReportFailedJob f) {
            return "report Job " + f.job().name() + " as failed and keep it";
        }
        return action.toString();
    }
}
