package io.gitjob.job;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.gitjob.events.GitJobEvent;
import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.gitjob.job.decision.Decision;
import io.gitjob.job.decision.GitRepoView;
import io.gitjob.job.decision.JobDecisions;
import io.gitjob.job.decision.JobView;

/**
 * Where job-service's decisions become {@code gitjob.decided} events (docs/events.md): what it saw, what it did
 * and why, so "why was, or wasn't, a Job made for commit X?" is answered from the topic ({@code replay-cli
 * explain}) long after the logs are gone. A decision that repeats the last one recorded for the GitRepo (same
 * state seen, same actions, reason and outcome: a resync, a status write that changed nothing that counts) is not
 * recorded again; what was last recorded is kept per GitRepo as a 64-bit fingerprint, at most
 * {@code gitjob.decisions.remembered} GitRepos (the least recently decided forgotten first, and then recorded once
 * more). After a restart each GitRepo's first decision is recorded again.
 */
@ApplicationScoped
public class DecisionRecorder {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(DecisionRecorder.class);

    @Inject
    GitJobEventPublisher events;

    @ConfigProperty(name = "gitjob.decisions.enabled", defaultValue = "true")
    boolean enabled;

    @ConfigProperty(name = "gitjob.decisions.remembered", defaultValue = "100000")
    int remembered;

    Clock clock = Clock.systemUTC();

    private final Map<GitRepoKey, Long> last = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<GitRepoKey, Long> eldest) {
            return size() > remembered;
        }
    };

    /**
     * @param outcome {@code decided} (nothing to do), {@code done}, {@code waiting: ...}, {@code failed: ...} or
     *        {@code dry-run}
     */
    public void record(GitRepoKey key, String trigger, Optional<GitRepoView> gitRepo, List<JobView> jobs,
            Decision decision, String outcome, boolean dryRun) {
        if (!enabled) {
            return;
        }
        try {
            recordOrThrow(key, trigger, gitRepo, jobs, decision, outcome, dryRun);
        } catch (RuntimeException e) {
            // A record of the work, never a step of it: the reconcile's own outcome stands.
            LOG.debugf(e, "Decision on %s not recorded", key);
        }
    }

    private void recordOrThrow(GitRepoKey key, String trigger, Optional<GitRepoView> gitRepo, List<JobView> jobs,
            Decision decision, String outcome, boolean dryRun) {
        Optional<GitRepoRef> ref = gitRepo.map(GitRepoView::ref).or(() -> jobs.stream().map(JobView::gitRepo)
                .findFirst());
        if (ref.isEmpty()) {
            forget(key); // nothing left of it to explain
            return;
        }
        GitJobEvent.SeenState seen = seen(gitRepo, jobs);
        List<String> actions = decision.actions().stream().map(ActionExecutor::describe).toList();
        long fingerprint = fingerprint(seen, actions, decision.reason(), outcome, dryRun);
        Long before;
        synchronized (last) {
            before = last.get(key);
            if (before != null && before == fingerprint) {
                return;
            }
            // Taken at once, not when the broker acknowledges: the next reconcile may come before the ack.
            last.put(key, fingerprint);
        }
        GitRepoView view = gitRepo.orElse(null);
        var event = new GitJobEvent.JobDecided(UUID.randomUUID().toString(), clock.instant(), ref.get(),
                view == null ? 0 : view.generation(), view == null ? 0 : view.forceSyncGeneration(),
                view == null ? null : JobDecisions.wantedJobName(view), trigger, seen, actions, decision.reason(),
                outcome, dryRun);
        // Not taken by the broker: forgotten again, so the same decision is recorded the next time it is taken.
        events.decided(event, () -> {
            synchronized (last) {
                if (Long.valueOf(fingerprint).equals(last.get(key))) {
                    if (before == null) {
                        last.remove(key);
                    } else {
                        last.put(key, before);
                    }
                }
            }
        });
    }

    public void forgetAll() {
        synchronized (last) {
            last.clear();
        }
    }

    public void forget(GitRepoKey key) {
        synchronized (last) {
            last.remove(key);
        }
    }

    static GitJobEvent.SeenState seen(Optional<GitRepoView> gitRepo, List<JobView> jobs) {
        List<GitJobEvent.SeenJob> seenJobs = jobs.stream().map(j -> new GitJobEvent.SeenJob(j.name(), j.commit(),
                j.stuck() ? "Stuck" : phase(j))).toList();
        return gitRepo.map(g -> new GitJobEvent.SeenState(true, g.paused(), g.deleting(), g.wantedCommit(),
                g.commit(), g.observedGeneration(), g.updateGeneration(), g.gitJobStatus(),
                g.mode() == null ? null : g.mode().value(), seenJobs))
                .orElseGet(() -> new GitJobEvent.SeenState(false, false, false, null, null, 0, 0, null, null,
                        seenJobs));
    }

    private static String phase(JobView job) {
        String name = job.phase().name();
        return name.charAt(0) + name.substring(1).toLowerCase(java.util.Locale.ROOT)
                + (job.deleting() ? " (being deleted)" : "");
    }

    static long fingerprint(GitJobEvent.SeenState seen, List<String> actions, String reason, String outcome,
            boolean dryRun) {
        String text = seen + "|" + actions + "|" + reason + "|" + outcome + "|" + dryRun;
        return UUID.nameUUIDFromBytes(text.getBytes(StandardCharsets.UTF_8)).getMostSignificantBits();
    }
}
