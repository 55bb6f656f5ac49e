package io.gitjob.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.gitjob.events.GitRepoKey;
import io.gitjob.events.Topics;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.job.cluster.ClusterCache;
import io.gitjob.job.cluster.ClusterState;
import io.gitjob.job.cluster.GitRepoRelease;
import io.gitjob.job.cluster.OwnWrites;
import io.gitjob.job.decision.Action;
import io.gitjob.job.cluster.PodStartFailure;
import io.gitjob.job.cluster.ShardSelection;
import io.gitjob.job.mode.JobModes;
import io.gitjob.job.decision.Decision;
import io.gitjob.job.decision.GitRepoView;
import io.gitjob.job.decision.JobDecisions;
import io.gitjob.job.decision.JobView;
import io.gitjob.support.PartitionOwnership;
import io.gitjob.support.Tracing;
import io.gitjob.support.WorkQueue;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * {@code reconcile(key)}, as controller-runtime's: every trigger (a gitrepo event, a GitRepo or Job change, the
 * periodic resync, a partition assignment) only queues the GitRepo's key; a worker then reads the wanted and the
 * observed state from the informer caches, asks {@link JobDecisions} what to do, and has {@link ActionExecutor} do
 * it. No decision costs a read request: as in controller-runtime, the caches are the read path, and a decision
 * waits until they show job-service's own last writes ({@link io.gitjob.job.cluster.OwnWrites}); a write made on a
 * cache that was behind someone else's is refused by its precondition (a resourceVersion, or a Job's name that
 * already exists) and the GitRepo is looked at again. A failure of any kind is retried with backoff per
 * GitRepo; a restart or a rebalance loses no retry, as the resync finds the same work again from the durable
 * state. Only the replica that owns a GitRepo's {@code gitrepo-events} partition acts on it.
 */
@ApplicationScoped
public class JobReconciler {

    private static final Logger LOG = Logger.getLogger(JobReconciler.class);

    @Inject
    ClusterCache cache;

    @Inject
    ActionExecutor executor;

    @Inject
    io.gitjob.job.cluster.FreshReads fresh;

    @Inject
    JobModes modes;

    @Inject
    DecisionRecorder decisions;

    @Inject
    ShardSelection shards;

    /** A Pod that waits for a node longer than this makes its Job a failure gitjob reports. Default 5m. */
    @ConfigProperty(name = "gitjob.job.unschedulable-timeout", defaultValue = "5m")
    Duration unschedulableTimeout;

    @ConfigProperty(name = "gitjob.job.resync-period", defaultValue = "5m")
    Duration resyncPeriod;

    @Inject
    Tracing tracing;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "gitjob.job.workers", defaultValue = "4")
    int workers;

    @ConfigProperty(name = "gitjob.job.gitrepo-change-delay", defaultValue = "200ms")
    Duration gitRepoChangeDelay;

    @ConfigProperty(name = "gitjob.job.retry.initial-backoff", defaultValue = "1s")
    Duration initialBackoff;

    @ConfigProperty(name = "gitjob.job.retry.max-backoff", defaultValue = "5m")
    Duration maxBackoff;

    private final PartitionOwnership ownership = new PartitionOwnership(Topics.GITREPO_EVENTS);
    /** What asked for each queued GitRepo, for its recorded decision; taken by the reconcile. */
    private final Map<GitRepoKey, String> triggers = new ConcurrentHashMap<>();
    /** The trace of the last event that asked for a GitRepo, until a reconcile acts on it (or it is old). */
    private final Map<GitRepoKey, Trace> traces = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService sweeps = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "reconcile-sweeps");
                t.setDaemon(true);
                return t;
            });

    /**
     * Only the ids of the event's span, which is all a child span needs: the Context it came in holds the consumer's
     * whole span (attributes, clock), and even its SpanContext is three strings (about 240 bytes), kept per GitRepo
     * for a minute. A trace state other than the empty one is kept as it is.
     */
    private record Trace(long traceIdHigh, long traceIdLow, long spanId, byte flags, TraceState state, long atNanos) {
        static Trace of(SpanContext span, long atNanos) {
            String traceId = span.getTraceId();
            return new Trace(Long.parseUnsignedLong(traceId, 0, 16, 16), Long.parseUnsignedLong(traceId, 16, 32, 16),
                    Long.parseUnsignedLong(span.getSpanId(), 16), span.getTraceFlags().asByte(),
                    span.getTraceState().isEmpty() ? null : span.getTraceState(), atNanos);
        }

        boolean old() {
            return System.nanoTime() - atNanos > TRACE_TTL.toNanos();
        }

        Context context() {
            SpanContext span = SpanContext.create(hex(traceIdHigh) + hex(traceIdLow), hex(spanId),
                    TraceFlags.fromByte(flags), state == null ? TraceState.getDefault() : state);
            return Context.root().with(io.opentelemetry.api.trace.Span.wrap(span));
        }

        private static String hex(long value) {
            String digits = Long.toHexString(value);
            return "0".repeat(16 - digits.length()) + digits;
        }
    }

    /** A trace waits this long for the reconcile that acts on its event; after that it is another story. */
    private static final Duration TRACE_TTL = Duration.ofMinutes(1);
    /**
     * When each GitRepo's last gitrepo event came: a GitRepo change within this long after it (the watcher's status
     * write, which the event usually follows but may overtake through a busy informer) is reconciled at once, as
     * its event is no longer to be waited for.
     */
    private static final Duration EVENT_AHEAD = Duration.ofSeconds(5);
    private final Map<GitRepoKey, Long> eventsAhead = new ConcurrentHashMap<>();
    private WorkQueue<GitRepoKey> queue;

    void start(@Observes StartupEvent event) {
        // Where a commit's time goes before its Job exists (bench/ prints them per wave): waiting for a worker,
        // then the reconcile (its API writes and the broker's acknowledgements are timed in ActionExecutor).
        var waited = registry.timer("gitjob.job.step", "step", "queue-wait");
        queue = new WorkQueue<>("reconcile", workers, initialBackoff, maxBackoff, this::reconcile)
                .onWaited(nanos -> waited.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS)).start();
        registry.gauge("gitjob.job.queue.depth", queue, WorkQueue::depth);
        ownership.addListener(new PartitionOwnership.Listener() {
            @Override
            public void assigned(java.util.Set<Integer> partitions) {
                // What happened while nobody owned these GitRepos is found by looking at all of them again.
                sweeps.execute(JobReconciler.this::sweepWhenSynced);
            }

            @Override
            public void revoked(java.util.Set<Integer> partitions) {
                // Another replica records the decisions meanwhile: what this one recorded last is no longer the
                // topic's last word on them, so a GitRepo that comes back has its next decision recorded.
                decisions.forgetAll();
            }
        });
        // A GitRepo change waits a moment: the watcher writes the commit it found, then publishes the event,
        // and the actions should join the event's trace; meanwhile further writes coalesce into one reconcile.
        cache.start((key, resync) -> {
            if (ownership.owns(key)) {
                triggeredBy(key, resync ? "resync" : "gitrepo-changed");
                Long eventAt = eventsAhead.remove(key);
                if (!resync && eventAt != null && System.nanoTime() - eventAt < EVENT_AHEAD.toNanos()) {
                    queue.add(key); // the event came first: nothing to wait for
                } else {
                    queue.addAfter(key, gitRepoChangeDelay);
                }
            }
        }, (key, resync) -> trigger(key, resync ? "resync" : "job-changed"));
        sweeps.execute(this::refreshModes);
        sweeps.scheduleWithFixedDelay(this::forgetOld, TRACE_TTL.toMillis(), TRACE_TTL.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * A trace no reconcile acted on (a paused GitRepo's event), an event whose GitRepo change never came and a
     * completed Job's name are no use once old: nothing per GitRepo is kept for them in the steady state.
     */
    private void forgetOld() {
        traces.values().removeIf(Trace::old);
        long now = System.nanoTime();
        eventsAhead.values().removeIf(at -> now - at >= EVENT_AHEAD.toNanos());
        cache.ownWrites().forgetOld();
    }

    /** Whether Fleet is there, asked at start until answered, then on every resync. */
    private void refreshModes() {
        modes.refresh();
        sweeps.schedule(this::refreshModes, modes.known() ? resyncPeriod.toMillis() : 2000,
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Queues every GitRepo the caches know (those owned), once the caches have listed everything. */
    private void sweepWhenSynced() {
        if (!cache.synced()) {
            sweeps.schedule(this::sweepWhenSynced, 1, java.util.concurrent.TimeUnit.SECONDS);
            return;
        }
        cache.keys().forEach(key -> trigger(key, "assigned"));
    }

    void stop(@Observes ShutdownEvent event) {
        sweeps.shutdownNow();
        if (queue != null) {
            queue.close(Duration.ofSeconds(10));
        }
        cache.stop();
    }

    public PartitionOwnership ownership() {
        return ownership;
    }

    /**
     * A GitRepo needs looking at: queued if this replica owns it, else another replica does.
     *
     * @param why what asked, as its recorded decision says ({@code gitjob.decided}'s trigger)
     */
    public void trigger(GitRepoKey key, String why) {
        if (ownership.owns(key)) {
            triggeredBy(key, why);
            queue.add(key);
        }
    }

    /** A gitrepo event: a trigger, whose trace the resulting actions join. */
    public void trigger(GitRepoKey key, String eventType, Context trace) {
        var span = trace == null ? null : io.opentelemetry.api.trace.Span.fromContext(trace).getSpanContext();
        if (span != null && span.isValid()) {
            traces.put(key, Trace.of(span, System.nanoTime()));
        }
        eventsAhead.put(key, System.nanoTime());
        trigger(key, eventType);
    }

    /** The first trigger since the last reconcile names it: a resync does not hide the event before it. */
    private void triggeredBy(GitRepoKey key, String why) {
        if ("resync".equals(why)) {
            triggers.putIfAbsent(key, why);
        } else {
            triggers.merge(key, why, (before, now) -> "resync".equals(before) ? now : before);
        }
    }

    private String triggerOf(GitRepoKey key) {
        String why = triggers.remove(key);
        return why != null ? why : queue.failures(key) > 0 ? "retry" : "requeue";
    }

    void reconcile(GitRepoKey key) {
        if (!ownership.owns(key)) {
            traces.remove(key);
            triggers.remove(key);
            eventsAhead.remove(key);
            decisions.forget(key);
            cache.ownWrites().forget(key);
            return; // moved to another replica while queued: it reconciles it there
        }
        if (!cache.synced() || !modes.known()) {
            queue.addAfter(key, Duration.ofSeconds(1));
            return;
        }
        OwnWrites.Observed observed = cache.ownWrites().observe(key, () -> cache.gitRepo(key),
                () -> cache.jobsOf(key));
        OwnWrites.Wait behind = observed.behind();
        if (behind.remaining().isPresent()) {
            // The informer's event of the write queues it sooner; this is for a write it never shows as such.
            LOG.debugf("%s: the caches do not show job-service's last write yet", key);
            queue.addAfter(key, behind.remaining().get());
            return;
        }
        if (behind.gaveUp()) {
            LOG.infof("%s: the caches did not show job-service's last write in time; deciding on a fresh read", key);
        }
        Optional<GitRepo> gitRepo = behind.gaveUp() ? fresh.gitRepo(key) : observed.gitRepo();
        var jobs = behind.gaveUp() ? fresh.jobsOf(key) : observed.jobs();
        String trigger = triggerOf(key);
        Instant now = Instant.now();
        Optional<GitRepoView> view = ClusterState.view(gitRepo, modes::of);
        List<JobView> jobViews = ClusterState.views(jobs, cache::podsOf, now, unschedulableTimeout);
        Decision decision = JobDecisions.reconcile(view, jobViews);
        recheckUnschedulable(key, jobs, now);
        if (decision.isNothing()) {
            LOG.debugf("%s: %s", key, decision.reason());
            decisions.record(key, trigger, view, jobViews, decision, "decided", executor.dryRun());
            forgetTraceIfDone(key);
            if (behind.gaveUp()) {
                cache.ownWrites().trusted(key);
            }
            return;
        }
        if (gitRepo.isPresent() && !shards.manages(gitRepo.get())) {
            LOG.debugf("%s: of another shard than '%s': not this installation's", key, shards.shard().id());
            decisions.forget(key);
            return;
        }
        if (!behind.gaveUp() && decision.actions().stream().anyMatch(a -> a instanceof Action.CreateJob c
                && cache.ownWrites().wasCompleted(key, c.jobName()))) {
            // A Job of this wanted state succeeded and was deleted here: the GitRepo's cache lacks the status
            // that says so, which its informer's event brings (and queues the GitRepo); this is in case it never does.
            LOG.debugf("%s: the cache does not show the success of the Job it would make again", key);
            queue.addAfter(key, Duration.ofSeconds(1));
            return;
        }
        LOG.infof("%s: %s", key, decision.reason());
        Trace trace = traces.remove(key);
        Context parent = trace == null || trace.old() ? Context.current() : trace.context();
        long start = System.nanoTime();
        try {
            tracing.inSpan("reconcile", io.opentelemetry.api.trace.SpanKind.INTERNAL, parent, null,
                    () -> executor.execute(decision.actions(), gitRepo.orElse(null)));
            registry.timer("gitjob.job.step", "step", "actions").record(System.nanoTime() - start,
                    java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (GitRepoRelease.Requeue wait) {
            LOG.infof("%s: %s; looked at again in %s", key, wait.getMessage(), wait.after());
            decisions.record(key, trigger, view, jobViews, decision, "waiting: " + wait.getMessage(),
                    executor.dryRun());
            queue.addAfter(key, wait.after());
        } catch (RuntimeException e) {
            if (trace != null) {
                traces.putIfAbsent(key, trace);
            }
            decisions.record(key, trigger, view, jobViews, decision, "failed: " + io.gitjob.events.UrlCredentials
                    .redact(String.valueOf(e.getMessage())), executor.dryRun());
            throw e;
        }
        decisions.record(key, trigger, view, jobViews, decision, executor.dryRun() ? "dry-run" : "done",
                executor.dryRun());
        if (behind.gaveUp()) {
            cache.ownWrites().trusted(key);
        }
        count(decision);
    }

    /** An unschedulable Pod changes nothing when its time is up: the GitRepo is looked at again then. */
    private void recheckUnschedulable(GitRepoKey key, java.util.List<io.fabric8.kubernetes.api.model.batch.v1.Job> jobs,
            Instant now) {
        jobs.stream().flatMap(j -> PodStartFailure.unschedulableDeadline(cache.podsOf(j), unschedulableTimeout)
                .stream()).filter(deadline -> deadline.isAfter(now)).min(Instant::compareTo)
                .ifPresent(deadline -> queue.addAfter(key, Duration.between(now, deadline).plusSeconds(1)));
    }

    /** A GitRepo gone from the cache, or a trace nobody acted on for a while, is not kept. */
    private void forgetTraceIfDone(GitRepoKey key) {
        Trace trace = traces.get(key);
        if (trace != null && (trace.old() || cache.gitRepo(key).isEmpty())) {
            traces.remove(key, trace);
        }
    }

    private void count(Decision decision) {
        String dryRun = Boolean.toString(executor.dryRun());
        decision.actions().forEach(a -> registry.counter("gitjob.job.actions", "action",
                a.getClass().getSimpleName(), "dry_run", dryRun).increment());
    }
}
