package io.gitjob.job;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoKey;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.job.cluster.ClusterState;
import io.gitjob.job.decision.Decision;
import io.gitjob.job.decision.JobDecisions;
import io.gitjob.job.decision.JobView;
import io.gitjob.support.Tracing;

/**
 * Observe, decide, act: reads the cluster, asks {@link JobDecisions} what to do, and has
 * {@link ActionExecutor} do it. Work on one GitRepo is serialised (events, Job changes and retries arrive
 * on different threads); different GitRepos proceed in parallel.
 */
@ApplicationScoped
public class JobReconciler {

    private static final Logger LOG = Logger.getLogger(JobReconciler.class);
    private static final int LOCK_STRIPES = 64;

    @Inject
    ClusterState cluster;

    @Inject
    ActionExecutor executor;

    @Inject
    CreateRetries retries;

    @Inject
    Tracing tracing;

    private final Object[] locks = new Object[LOCK_STRIPES];

    public JobReconciler() {
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    /** A gitrepo event from Kafka: a newer event replaces any pending retry of its GitRepo. */
    public void onGitRepoEvent(GitRepoEvent event) {
        retries.cancel(event.key());
        reconcile(event);
    }

    private void reconcile(GitRepoEvent event) {
        GitRepoKey key = event.key();
        synchronized (lock(key)) {
            Optional<GitRepo> gitRepo = cluster.gitRepo(key.namespace(), key.name());
            List<JobView> jobs = views(cluster.jobsOf(key.namespace(), key.name()));
            Decision decision = JobDecisions.onGitRepoEvent(event, ClusterState.view(gitRepo), jobs);
            LOG.debugf("%s %s: %s", event.type(), key, decision.reason());
            if (decision.isNothing()) {
                return;
            }
            LOG.infof("%s %s: %s", event.type(), key, decision.reason());
            try {
                executor.execute(decision.actions(), gitRepo.orElse(null));
                retries.cancel(key);
            } catch (JobCreationException e) {
                LOG.warn(e.getMessage());
                retries.schedule(event, this::reconcile);
            }
        }
    }

    /** A change of one of job-service's Jobs, seen by the watch. */
    public void onJobChanged(Job job) {
        Optional<JobView> view = ClusterState.view(job);
        if (view.isEmpty()) {
            return;
        }
        GitRepoKey key = view.get().gitRepo().key();
        synchronized (lock(key)) {
            // Fresh from the API server: the watch's copy may be older than a deletion already made.
            Optional<JobView> current = Optional.ofNullable(cluster.job(key.namespace(), job.getMetadata().getName()))
                    .flatMap(ClusterState::view);
            if (current.isEmpty()) {
                return;
            }
            Decision decision = JobDecisions.onJobChanged(current.get(),
                    ClusterState.view(cluster.gitRepo(key.namespace(), key.name())));
            if (!decision.isNothing()) {
                LOG.infof("Job %s/%s: %s", key.namespace(), current.get().name(), decision.reason());
                tracing.inSpan("job " + current.get().phase().name().toLowerCase(java.util.Locale.ROOT),
                        io.opentelemetry.api.trace.SpanKind.INTERNAL, traceOf(job), null,
                        () -> executor.execute(decision.actions(), null));
            }
        }
    }

    private io.opentelemetry.context.Context traceOf(Job job) {
        var annotations = job.getMetadata().getAnnotations();
        String traceparent = annotations == null ? null : annotations.get(ActionExecutor.TRACEPARENT_ANNOTATION);
        return tracing.fromMap(traceparent == null ? java.util.Map.of() : java.util.Map.of("traceparent", traceparent));
    }

    private static List<JobView> views(List<Job> jobs) {
        return jobs.stream().map(ClusterState::view).flatMap(Optional::stream).toList();
    }

    private Object lock(GitRepoKey key) {
        return locks[Math.floorMod(key.hashCode(), LOCK_STRIPES)];
    }
}
