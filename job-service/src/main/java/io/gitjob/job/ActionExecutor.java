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
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.gitrepo.JobMode;
import io.gitjob.job.cluster.ClusterCache;
import io.gitjob.job.cluster.ClusterState;
import io.gitjob.job.cluster.GitRepoRelease;
import io.gitjob.job.cluster.GitRepoStatusWriter;
import io.gitjob.job.cluster.JobResourcesWriter;
import io.gitjob.job.cluster.ShardSelection;
import io.gitjob.job.decision.Action;
import io.gitjob.job.decision.JobView;
import io.gitjob.job.mode.JobModes;
import io.gitjob.job.template.JobPlan;
import io.gitjob.job.template.ReferencedObjects;
import io.gitjob.support.ClusterReads;
import io.gitjob.support.KubernetesEventRecorder;
import io.gitjob.support.Tracing;
import io.gitjob.support.Transient;
import io.gitjob.events.UrlCredentials;

/**
 * Carries out decided actions: the Kubernetes calls and the events that report them, in an order that makes a
 * crash or a failure between any two of them harmless (the next reconcile finds the rest to do: a Job created
 * but not recorded is adopted, a success recorded but not deleted is deleted). Any failure is thrown, and the
 * reconciler retries the whole decision with backoff. With {@code gitjob.dry-run=true} it only logs.
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

    @Inject
    GitRepoRelease release;

    @Inject
    JobModes modes;

    @Inject
    KubernetesEventRecorder kubeEvents;

    @Inject
    ShardSelection shards;

    @Inject
    ClusterCache cache;

    @Inject
    ClusterReads reads;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @ConfigProperty(name = "gitjob.dry-run", defaultValue = "false")
    boolean dryRun;

    public boolean dryRun() {
        return dryRun;
    }

    /**
     * The GitRepo as the reconcile last saw it: the cache's at first, then as each status write returned it, so a
     * second write of the same reconcile is based on the first (one PATCH, no 409).
     */
    private static final class Seen {
        GitRepo gitRepo;

        Seen(GitRepo gitRepo) {
            this.gitRepo = gitRepo;
        }

        void wrote(GitRepo written) {
            if (written != null) {
                gitRepo = written;
            }
        }
    }

    /** {@code gitjob_job_step_seconds{step}}: where the time between a commit and its Job goes (bench/ prints it). */
    private void step(String step, long startNanos) {
        registry.timer("gitjob.job.step", "step", step).record(System.nanoTime() - startNanos,
                java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Runs the actions in order; the first failure stops the rest and is thrown. */
    public void execute(List<Action> actions, GitRepo cached) {
        Seen seen = new Seen(cached);
        for (Action action : actions) {
            GitRepo gitRepo = seen.gitRepo;
            if (dryRun) {
                LOG.infof("dry run: would %s", describe(action));
                continue;
            }
            if (action instanceof Action.TerminateJob terminate) {
                deleteJob(terminate.job());
                events.terminated(terminate.job(), terminate.cause());
                kubeEvent(gitRepo, KubernetesEventRecorder.NORMAL, "JobDeleted", "DeleteJob",
                        "job " + terminate.job().name() + " deleted: " + describe(terminate.cause()));
                LOG.infof("Terminated Job %s/%s (%s)", terminate.job().gitRepo().namespace(), terminate.job().name(),
                        terminate.cause());
            } else if (action instanceof Action.CreateJob create) {
                createJob(seen, create);
            } else if (action instanceof Action.AdoptJob adopt) {
                adopt(adopt.job(), seen);
            } else if (action instanceof Action.CompleteSucceededJob done) {
                inJobsTrace(done.job(), "job succeeded", () -> completeSucceeded(done, seen));
            } else if (action instanceof Action.ReportFailedJob failed) {
                inJobsTrace(failed.job(), "job failed", () -> reportFailed(failed, seen));
            } else if (action instanceof Action.AddFinalizer) {
                seen.wrote(release.addFinalizer(gitRepo));
            } else if (action instanceof Action.ReleaseGitRepo) {
                release.release(gitRepo);
            } else if (action instanceof Action.RefuseGitRepo refuse) {
                notAccepted(seen, refuse.message());
                kubeEvent(gitRepo, KubernetesEventRecorder.WARNING, "FailedToCreateJob", "CreateGitJob",
                        refuse.message());
                LOG.warnf("GitRepo %s/%s: no Job can be made: %s", gitRepo.getMetadata().getNamespace(),
                        gitRepo.getMetadata().getName(), refuse.message());
            }
        }
    }

    /**
     * In fleet mode the GitRepo's {@code Ready} condition tells whether its Bundles are ready (Fleet's status
     * reconciler, {@link io.gitjob.job.readiness}); only a standalone GitRepo's Ready follows its Job.
     */
    private boolean ownsReady(GitRepo gitRepo) {
        return gitRepo == null || modes.of(gitRepo).mode() != JobMode.FLEET;
    }

    private void createJob(Seen seen, Action.CreateJob create) {
        GitRepo gitRepo = seen.gitRepo;
        var ref = ClusterState.view(gitRepo).ref();
        Job created;
        try {
            // The mode was settled by the decision: a GitRepo without one is refused before any CreateJob.
            JobMode mode = modes.of(gitRepo).mode();
            JobPlan plan = templates.planner().plan(gitRepo, create, mode,
                    ReferencedObjects.in(reads, gitRepo.getMetadata().getNamespace()));
            // Its ServiceAccount, Role, RoleBinding, targets and CA bundle first: a Pod that starts before them
            // would fail on a missing volume or permission.
            long start = System.nanoTime();
            JobResourcesWriter.ensure(client, plan.prerequisites(), cache::prerequisite);
            step("prerequisites", start);
            Job job = plan.job();
            String traceparent = tracing.currentAsMap().get("traceparent");
            if (traceparent != null) {
                job.getMetadata().getAnnotations().put(ClusterState.TRACEPARENT_ANNOTATION, traceparent);
            }
            start = System.nanoTime();
            created = client.resource(job).create();
            step("create-job", start);
            cache.ownWrites().createdJob(ref.key(), created);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                // Made by an earlier attempt whose answer was lost: the next reconcile adopts it.
                takeOverFromAnotherShard(gitRepo, create.jobName());
                throw e;
            }
            if (!Transient.is(e)) {
                // Refused (a quota, an admission webhook, an invalid template): users must see why. The API
                // server's answer may quote the object, hence redacted.
                String said = UrlCredentials.redact(e.getMessage());
                events.creationFailed(ref, create.generation(), create.forceSyncGeneration(), create.jobName(),
                        create.commit(), e);
                kubeEvent(gitRepo, KubernetesEventRecorder.WARNING, "FailedToCreateJob", "CreateGitJob", said);
                notAccepted(seen, "Job " + create.jobName() + " was refused: " + said);
            }
            throw e;
        } catch (RuntimeException e) {
            events.creationFailed(ref, create.generation(), create.forceSyncGeneration(), create.jobName(),
                    create.commit(), e);
            String said = UrlCredentials.redact(e.getMessage());
            kubeEvent(gitRepo, KubernetesEventRecorder.WARNING, "FailedToCreateJob", "CreateGitJob", said);
            notAccepted(seen, said);
            throw e;
        }
        events.created(ref, create.generation(), create.forceSyncGeneration(), create.jobName(),
                created.getMetadata().getUid(), create.commit());
        long start = System.nanoTime();
        seen.wrote(status.jobCreated(seen.gitRepo, ref, create.jobName(), create.commit(), create.generation(),
                create.forceSyncGeneration(), ownsReady(gitRepo)));
        step("status", start);
        kubeEvent(gitRepo, KubernetesEventRecorder.NORMAL, "Created", "CreateGitJob",
                "GitJob " + create.jobName() + " was created for commit " + create.commit());
        LOG.infof("Created Job %s/%s for commit %s (generation %d, forceSyncGeneration %d)",
                ref.namespace(), create.jobName(), create.commit(), create.generation(), create.forceSyncGeneration());
    }

    /**
     * The Job of that name may have been made for this GitRepo (its uid is in the name) by the installation that
     * managed it before its shard label changed: that one no longer looks at it, and this one's selector does not
     * see it. Relabelled with this shard, it is adopted by the next reconcile like any Job made here.
     */
    private void takeOverFromAnotherShard(GitRepo gitRepo, String jobName) {
        var resource = client.batch().v1().jobs().inNamespace(gitRepo.getMetadata().getNamespace()).withName(jobName);
        Job existing = resource.get();
        if (existing == null || shards.manages(existing) || JobConventions.gitRepoOf(existing)
                .map(r -> !r.uid().equals(gitRepo.getMetadata().getUid())).orElse(true)) {
            return;
        }
        String shard = shards.shard().id();
        String path = "/metadata/labels/" + FleetConventions.SHARD_REF_LABEL.replace("~", "~0").replace("/", "~1");
        // A JSON patch: the default shard's Jobs have no such label at all, not an empty one.
        resource.patch(PatchContext.of(PatchType.JSON), shard.isEmpty()
                ? "[{\"op\":\"remove\",\"path\":\"" + path + "\"}]"
                : "[{\"op\":\"add\",\"path\":\"" + path + "\",\"value\":\"" + shard + "\"}]");
        LOG.infof("Job %s/%s was made under another shard for GitRepo %s: relabelled for shard '%s'",
                gitRepo.getMetadata().getNamespace(), jobName, gitRepo.getMetadata().getName(), shard);
    }

    private void adopt(JobView job, Seen seen) {
        events.created(job.gitRepo(), job.generation(), job.forceSyncGeneration(), job.name(), job.uid(),
                job.commit());
        seen.wrote(status.jobCreated(seen.gitRepo, job.gitRepo(), job.name(), job.commit(), job.generation(),
                job.forceSyncGeneration(), ownsReady(seen.gitRepo)));
        LOG.infof("Adopted Job %s/%s for commit %s: its creation is recorded now", job.gitRepo().namespace(),
                job.name(), job.commit());
    }

    /**
     * The status first: once it says the state was applied, nothing applies it again, whatever happens to the
     * Job (the janitor deleting it while the broker is away, a ttlSecondsAfterFinished in a template). Then the
     * event, then the delete: a repeat of any step is harmless while the Job is still there.
     */
    private void completeSucceeded(Action.CompleteSucceededJob done, Seen seen) {
        JobView job = done.job();
        GitRepo gitRepo = seen.gitRepo;
        if (done.markApplied()) {
            seen.wrote(status.jobSucceeded(gitRepo, job.gitRepo(), job.name(), job.commit(), job.generation(),
                    job.forceSyncGeneration(), ownsReady(gitRepo)));
        }
        events.succeeded(job, done.durationSeconds());
        deleteJob(job);
        cache.ownWrites().completed(job.gitRepo().key(), job.name());
        events.deleted(job, "succeeded");
        kubeEvent(gitRepo, KubernetesEventRecorder.NORMAL, "JobDeleted", "DeleteJob",
                "job deletion triggered because job succeeded");
        LOG.infof("Job %s/%s succeeded in %.1f s; deleted with its Pods", job.gitRepo().namespace(), job.name(),
                done.durationSeconds());
    }

    private void reportFailed(Action.ReportFailedJob failed, Seen seen) {
        JobView job = failed.job();
        GitRepo gitRepo = seen.gitRepo;
        // A Job whose Pod never started has no termination message: the Pod's waiting reason says it all. The
        // cloner's message may repeat the URL it was given, credentials and all.
        String message = UrlCredentials.redact(job.stuck() ? job.failureReason() : terminationMessage(job));
        events.failed(job, message);
        if (failed.markStalled()) {
            seen.wrote(status.jobFailed(gitRepo, job.gitRepo(), job.name(), job.commit(), job.generation(),
                    job.forceSyncGeneration(), message == null ? job.failureReason() : message, ownsReady(gitRepo)));
        }
        kubeEvent(gitRepo, KubernetesEventRecorder.WARNING, "JobFailed", "RunGitJob", "job " + job.name()
                + " failed (" + job.failureReason() + ")" + (message == null ? "" : ": " + message));
        // A merge patch of the one annotation, on the Job as an item: no read first, and nothing else written.
        Job named = new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder().withNewMetadata()
                .withNamespace(job.gitRepo().namespace()).withName(job.name()).endMetadata().build();
        cache.ownWrites().writingJob(job.gitRepo().key(), job.name());
        Job annotated = null;
        try {
            annotated = client.batch().v1().jobs().inNamespace(job.gitRepo().namespace()).resource(named)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\""
                            + ClusterState.FAILURE_REPORTED_ANNOTATION + "\":\"true\"}}}");
        } finally {
            cache.ownWrites().wroteJob(job.gitRepo().key(), job.name(), annotated);
        }
        LOG.warnf("Job %s/%s failed (%s): %s; kept for troubleshooting", job.gitRepo().namespace(), job.name(),
                job.failureReason(), message);
    }

    /**
     * Background propagation: the Job goes at once and Kubernetes deletes its Pods after it. Only the Job as it
     * was read (its resourceVersion as precondition): a Job re-created under the same name is never deleted
     * by mistake, and a Job changed since is looked at again (the 409 is retried with a fresh read).
     */
    private void deleteJob(JobView job) {
        var resource = client.batch().v1().jobs().inNamespace(job.gitRepo().namespace()).withName(job.name());
        // Fabric8's DSL types drop lockResourceVersion after withPropagationPolicy, although the operation behind
        // them (BaseOperation, a Resource) carries both into the DELETE's DeleteOptions.
        @SuppressWarnings("unchecked")
        var background = (io.fabric8.kubernetes.client.dsl.Resource<Job>) resource
                .withPropagationPolicy(DeletionPropagation.BACKGROUND);
        if (job.resourceVersion() != null) {
            background.lockResourceVersion(job.resourceVersion()).delete();
        } else {
            background.delete();
        }
        cache.ownWrites().deletedJob(job.gitRepo().key(), job.name());
    }

    /**
     * The failed Pod's termination message: what the apply step said when it gave up. From the Pod cache; a cache
     * that lacks it (its Pod's last status not seen yet, a Pod without gitjob's label) is no reason to report the
     * failure without it, so then the Pods are listed, a read only a failure costs.
     */
    private String terminationMessage(JobView job) {
        String cached = terminationMessage(cache.podsOf(job.gitRepo().namespace(), job.name()));
        if (cached != null) {
            return cached;
        }
        for (String label : new String[] { ClusterState.JOB_NAME_LABEL, "job-name" }) {
            String listed = terminationMessage(client.pods().inNamespace(job.gitRepo().namespace())
                    .withLabel(label, job.name()).list().getItems());
            if (listed != null) {
                return listed;
            }
        }
        return null;
    }

    private static String terminationMessage(List<Pod> pods) {
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
        return null;
    }

    /**
     * Written only when it says something new: every status write wakes the GitRepo's informer, and a failure
     * written again on every retry would retry at once, round and round, instead of backing off.
     */
    private void notAccepted(Seen seen, String said) {
        GitRepo gitRepo = seen.gitRepo;
        String message = said == null ? "the Job could not be made" : UrlCredentials.redact(said);
        if (gitRepo != null && !message.equals(ClusterState.view(gitRepo, modes.of(gitRepo)).notAccepted())) {
            seen.wrote(status.notAccepted(gitRepo, ClusterState.view(gitRepo).ref(), message));
        }
    }

    /** What {@code kubectl describe gitrepo} shows; a GitRepo already gone has nobody to tell. */
    private void kubeEvent(GitRepo gitRepo, String type, String reason, String action, String note) {
        if (gitRepo != null) {
            kubeEvents.record(gitRepo, null, type, reason, action, note);
        }
    }

    private static String describe(io.gitjob.events.GitJobEvent.TerminationCause cause) {
        return switch (cause) {
            case FORCE_SYNC -> "a force sync asks for a new Job";
            case SPEC_CHANGED -> "the GitRepo's spec changed";
            case NEW_COMMIT -> "a newer commit is wanted";
            case GITREPO_DELETED -> "its GitRepo is deleted";
            default -> cause.name();
        };
    }

    private void inJobsTrace(JobView job, String span, Runnable work) {
        String traceparent = job.traceparent();
        tracing.inSpan(span, io.opentelemetry.api.trace.SpanKind.INTERNAL,
                tracing.fromMap(traceparent == null ? java.util.Map.of() : java.util.Map.of("traceparent",
                        traceparent)),
                null, work);
    }

    static String describe(Action action) {
        if (action instanceof Action.CreateJob c) {
            return "create Job " + c.jobName() + " for commit " + c.commit() + " (generation " + c.generation()
                    + ", forceSyncGeneration " + c.forceSyncGeneration() + ")";
        } else if (action instanceof Action.AdoptJob a) {
            return "adopt Job " + a.job().name() + " (record its creation)";
        } else if (action instanceof Action.TerminateJob t) {
            return "terminate Job " + t.job().name() + " (" + t.cause() + ")";
        } else if (action instanceof Action.CompleteSucceededJob s) {
            return "record Job " + s.job().name() + " as succeeded and delete it";
        } else if (action instanceof Action.ReportFailedJob f) {
            return "report Job " + f.job().name() + " as failed and keep it";
        } else if (action instanceof Action.AddFinalizer) {
            return "add " + io.gitjob.gitrepo.FleetConventions.GITREPO_FINALIZER + " to the GitRepo";
        } else if (action instanceof Action.ReleaseGitRepo) {
            return "purge the GitRepo's Bundles and remove " + io.gitjob.gitrepo.FleetConventions.GITREPO_FINALIZER;
        } else if (action instanceof Action.RefuseGitRepo r) {
            return "set the GitRepo's Accepted condition False: " + r.message();
        }
        return action.toString();
    }
}
