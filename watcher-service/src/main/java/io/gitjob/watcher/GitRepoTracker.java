package io.gitjob.watcher;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoEvent.CommitSource;
import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.GitRepoState;
import io.gitjob.events.RepoSpec;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.support.KafkaMessages;
import io.gitjob.watcher.StateReconciliation.Change;
import io.gitjob.watcher.StateReconciliation.Step;
import io.gitjob.watcher.poll.CommitChange;
import io.gitjob.watcher.poll.RefSelection.Head;
import io.gitjob.watcher.state.StateTopic;
import io.gitjob.watcher.webhook.PushMatch;
import io.gitjob.watcher.webhook.WebhookPayloads.Push;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * What this replica knows of the GitRepos it owns (design section 4): their last published state, the same
 * as on {@code gitrepo-state}, and the time of their last event. Every event of an owned GitRepo is published
 * here, under one lock, so the informer, the pollers, the webhook and a rebuild never interleave for a
 * GitRepo; the state record is written after its event was acknowledged (a crash in between republishes the
 * event, never loses it).
 */
@ApplicationScoped
public class GitRepoTracker {

    private static final Logger LOG = Logger.getLogger(GitRepoTracker.class);
    /** Events of a rebuild are sent in batches: the emitter's buffer is finite, waiting for each is slow. */
    private static final int REBUILD_BATCH = 128;

    @Inject
    @Channel("gitrepo-events-out")
    MutinyEmitter<GitRepoEvent> emitter;

    @Inject
    StateTopic stateTopic;

    @Inject
    io.gitjob.watcher.poll.PollingStatusWriter statusWriter;

    Clock clock = Clock.systemUTC();

    private final Map<GitRepoKey, GitRepoState> known = new HashMap<>();
    private final Map<GitRepoKey, Instant> lastEventTimes = new HashMap<>();
    private final Set<Integer> owned = new HashSet<>();
    private int partitionCount;
    /** Set during a rebuild: events waiting for their acknowledgement, with the state to write after it. */
    private List<Pending> batch;

    private record Pending(CompletableFuture<Void> sent, Runnable afterwards) {
    }

    public synchronized boolean owns(GitRepoKey key) {
        return partitionCount > 0 && owned.contains(key.partition(partitionCount));
    }

    public synchronized Set<Integer> ownedPartitions() {
        return Set.copyOf(owned);
    }

    /** The informer saw a GitRepo (added, updated, or listed again). */
    public synchronized void observed(GitRepo gitRepo) {
        GitRepoKey key = GitRepoEventFactory.ref(gitRepo).key();
        if (!owns(key)) {
            return;
        }
        Observed current;
        try {
            current = Observed.of(gitRepo);
        } catch (InvalidGitRepoException e) {
            LOG.warn(e.getMessage());
            return;
        }
        GitRepoState state = known.get(key);
        apply(StateReconciliation.decide(state, current), state, current);
    }

    /**
     * A GitRepo whose status lacks the commit this replica knows for it (a status written before gitjob's
     * upgrade, or cleared): the commit is recorded again, so job-service has its wanted state. Only a missing
     * one: a different one may be newer (a webhook taken by another replica), and the next poll settles it.
     */
    public void recordIfMissing(GitRepo gitRepo) {
        var status = gitRepo.getStatus();
        if (status != null && status.getPollingCommit() != null && !status.getPollingCommit().isBlank()) {
            return;
        }
        GitRepoState state;
        synchronized (this) {
            GitRepoRef ref = GitRepoEventFactory.ref(gitRepo);
            state = owns(ref.key()) ? known.get(ref.key()) : null;
            if (state == null || state.commit() == null || !state.gitRepo().uid().equals(ref.uid())) {
                return;
            }
        }
        try {
            statusWriter.commitFound(state.gitRepo(), state.commit(), false, state.updated());
        } catch (RuntimeException e) {
            LOG.warnf("Could not record commit %s in the status of %s; again on the next resync: %s",
                    state.commit(), state.gitRepo().key(), e.getMessage());
        }
    }

    /** The informer saw a GitRepo deleted. */
    public synchronized void gone(GitRepo gitRepo) {
        GitRepoRef ref = GitRepoEventFactory.ref(gitRepo);
        GitRepoState state = known.get(ref.key());
        if (!owns(ref.key()) || state == null || !state.gitRepo().uid().equals(ref.uid())) {
            return;
        }
        apply(Change.DELETED, state, null);
    }

    /**
     * This replica now owns {@code partitions}: learn their GitRepos from what was published before
     * ({@code stored}, read from {@code gitrepo-state}) and publish what changed in the cluster since. The
     * cluster is read under the lock, so an informer callback of these GitRepos waits and is then compared
     * with the rebuilt state.
     */
    public synchronized void assigned(Set<Integer> partitions, int totalPartitions, Map<GitRepoKey, GitRepoState> stored,
            Supplier<Collection<GitRepo>> cluster) {
        partitionCount = totalPartitions;
        Map<GitRepoKey, Observed> observed = new HashMap<>();
        Set<GitRepoKey> unreadable = new HashSet<>();
        for (GitRepo gitRepo : cluster.get()) {
            GitRepoKey key = GitRepoEventFactory.ref(gitRepo).key();
            if (!partitions.contains(key.partition(partitionCount))) {
                continue;
            }
            try {
                observed.put(key, Observed.of(gitRepo));
            } catch (InvalidGitRepoException e) {
                LOG.warn(e.getMessage());
                unreadable.add(key);
            }
        }
        Map<GitRepoKey, GitRepoState> mine = new HashMap<>();
        stored.forEach((key, state) -> {
            if (partitions.contains(key.partition(partitionCount))) {
                mine.put(key, state);
            }
        });
        List<Step> steps = StateReconciliation.reconcile(mine, observed, unreadable);
        int published = 0;
        batch = new ArrayList<>();
        try {
            for (Step step : steps) {
                if (step.known() != null) {
                    GitRepoKey key = step.known().gitRepo().key();
                    known.put(key, step.known());
                    lastEventTimes.merge(key, step.known().updated(), (a, b) -> a.isAfter(b) ? a : b);
                }
                if (step.change() != Change.NONE) {
                    published++;
                }
                apply(step.change(), step.known(), step.current());
            }
            completeBatch();
        } finally {
            batch = null;
        }
        owned.addAll(partitions);
        LOG.infof("Owning gitrepo-state partitions %s of %d: %d GitRepos, %d events for changes missed while "
                + "unowned", partitions, partitionCount, steps.size(), published);
    }

    /** Another replica takes these partitions over: forget their GitRepos (it rebuilds them). */
    public synchronized void revoked(Set<Integer> partitions) {
        owned.removeAll(partitions);
        if (partitionCount > 0) {
            known.keySet().removeIf(key -> partitions.contains(key.partition(partitionCount)));
            lastEventTimes.keySet().removeIf(key -> partitions.contains(key.partition(partitionCount)));
        }
        LOG.infof("Revoked gitrepo-state partitions %s; still owning %s", partitions, owned);
    }

    /** Every owned GitRepo's state, for the poll scheduler. */
    public synchronized List<GitRepoState> snapshot() {
        return new ArrayList<>(known.values());
    }

    public synchronized GitRepoState state(GitRepoKey key) {
        return known.get(key);
    }

    /**
     * A head read from the remote (or pushed by a webhook). When it is new it is recorded in the GitRepo's status
     * ({@code pollingCommit}, the durable wanted commit job-service reads), then commit detected is published, and
     * only once both are done does the watcher remember it: a failure of either throws, and the next poll finds
     * the commit new again. The API and Kafka calls are made outside the tracker's lock, so a slow API server or
     * broker holds up this GitRepo's poll only. A result for a GitRepo that is gone, re-created, or whose
     * repo/branch/revision changed while it was fetched is stale and dropped.
     *
     * @return true when a commit was detected
     * @throws PublishFailedException when the status write or the publish failed
     */
    public boolean commitFetched(GitRepoRef ref, RepoSpec polled, Head head, double seconds, CommitSource source) {
        GitRepoEvent event;
        synchronized (this) {
            GitRepoState state = current(ref, polled);
            if (state == null
                    || CommitChange.decide(state.commit(), head.commit()) == CommitChange.Outcome.UNCHANGED) {
                return false;
            }
            event = GitRepoEventFactory.commitDetected(state, head.branch(), head.commit(), seconds, source,
                    nextTime(ref.key()));
        }
        record(ref, event, head.commit(), source);
        synchronized (this) {
            GitRepoState now = current(ref, polled);
            if (now != null) {
                GitRepoState next = new GitRepoState(now.gitRepo(), now.generation(), now.forceSyncGeneration(),
                        now.spec(), head.commit(), event.time());
                known.put(ref.key(), next);
                remember(next);
            }
        }
        LOG.infof("Published %s for %s: commit %s (%s)", event.type(), event.key(), head.commit(), source);
        return true;
    }

    /** Status first (the wanted state), then the event (the trigger and the record). */
    private void record(GitRepoRef ref, GitRepoEvent event, String commit, CommitSource source) {
        try {
            if (!statusWriter.commitFound(ref, commit, source == CommitSource.WEBHOOK, event.time())) {
                return; // gone or re-created meanwhile: nothing to record for it
            }
        } catch (RuntimeException e) {
            throw new PublishFailedException(event, e);
        }
        try {
            emitter.sendMessageAndAwait(KafkaMessages.keyed(event));
        } catch (RuntimeException e) {
            throw new PublishFailedException(event, e);
        }
    }

    /** Asking the remote failed: publishes commit fetch failed (not for a stale fetch). */
    public synchronized void fetchFailed(GitRepoRef ref, RepoSpec polled, Throwable error, double seconds) {
        GitRepoState state = current(ref, polled);
        if (state == null) {
            return;
        }
        // The state record is not rewritten: a failing GitRepo would otherwise write one every interval.
        publish(GitRepoEventFactory.fetchFailed(state, error, seconds, nextTime(ref.key())), () -> {
        });
    }

    /**
     * A webhook push: publishes commit detected for each watched GitRepo of that repo and branch whose known
     * commit differs. GitRepos another replica owns are published too, with an unknown previous commit (see
     * docs/watcher.md, "Webhooks and replicas").
     *
     * @param cluster every GitRepo this replica's informer sees
     * @return the GitRepos the push is for (published or already at that commit)
     */
    public List<GitRepoKey> pushed(Push push, Collection<GitRepo> cluster) {
        List<GitRepoKey> matched = new ArrayList<>();
        List<GitRepoState> owned = new ArrayList<>();
        List<GitRepoState> others = new ArrayList<>();
        Head head = new Head(push.commit(), push.branch());
        synchronized (this) {
            matchPush(push, cluster, matched, owned, others);
        }
        for (GitRepoState state : owned) {
            commitFetched(state.gitRepo(), state.spec(), head, 0, CommitSource.WEBHOOK);
        }
        for (GitRepoState unknown : others) {
            // The owner's known commit is not this replica's to change; it publishes again on its next poll, as
            // the commit is new to it: a duplicate commit detected, harmless to every consumer.
            record(unknown.gitRepo(), GitRepoEventFactory.commitDetected(unknown, push.branch(), push.commit(), 0,
                    CommitSource.WEBHOOK, clock.instant()), push.commit(), CommitSource.WEBHOOK);
        }
        return matched;
    }

    private void matchPush(Push push, Collection<GitRepo> cluster, List<GitRepoKey> matched,
            List<GitRepoState> owned, List<GitRepoState> others) {
        for (GitRepo gitRepo : cluster) {
            Observed observed;
            try {
                observed = Observed.of(gitRepo);
            } catch (InvalidGitRepoException e) {
                continue;
            }
            if (!PushMatch.matches(push, observed.spec())) {
                continue;
            }
            matched.add(observed.key());
            if (owns(observed.key())) {
                GitRepoState state = known.get(observed.key());
                if (state != null) {
                    owned.add(state);
                }
            } else {
                others.add(new GitRepoState(observed.ref(), observed.generation(), observed.forceSyncGeneration(),
                        observed.spec(), null, clock.instant()));
            }
        }
    }

    private GitRepoState current(GitRepoRef ref, RepoSpec polled) {
        GitRepoState state = known.get(ref.key());
        if (!owns(ref.key()) || state == null || !state.gitRepo().uid().equals(ref.uid())
                || !sameSource(state.spec(), polled)) {
            return null;
        }
        return state;
    }

    static boolean sameSource(RepoSpec a, RepoSpec b) {
        return a.repo().equals(b.repo()) && java.util.Objects.equals(a.branch(), b.branch())
                && java.util.Objects.equals(a.revision(), b.revision());
    }

    private void apply(Change change, GitRepoState state, Observed current) {
        switch (change) {
            case NONE -> {
                // status-only update, or nothing missed
            }
            case ADDED -> {
                Instant time = nextTime(current.key());
                publish(GitRepoEventFactory.added(current, time, null), () -> remember(stateOf(current, null, time)));
            }
            case SPEC_CHANGED -> {
                Instant time = nextTime(current.key());
                publish(GitRepoEventFactory.specChanged(state, current, time),
                        () -> remember(stateOf(current, state.commit(), time)));
            }
            case FORCE_SYNC -> {
                Instant time = nextTime(current.key());
                publish(GitRepoEventFactory.forceSync(state, current, time),
                        () -> remember(stateOf(current, state.commit(), time)));
            }
            case DELETED -> {
                GitRepoKey key = state.gitRepo().key();
                publish(GitRepoEventFactory.deleted(state, nextTime(key)), () -> {
                    stateTopic.tombstone(key);
                });
                // Forgotten at once, not after the acknowledgement: an add of the same name must see it gone.
                known.remove(key);
            }
            case REPLACED -> {
                apply(Change.DELETED, state, null);
                apply(Change.ADDED, null, current);
            }
        }
    }

    private static GitRepoState stateOf(Observed current, String commit, Instant time) {
        return new GitRepoState(current.ref(), current.generation(), current.forceSyncGeneration(), current.spec(),
                commit, time);
    }

    private void remember(GitRepoState state) {
        stateTopic.write(state);
    }

    private Instant nextTime(GitRepoKey key) {
        Instant time = EventTimes.next(clock.instant(), lastEventTimes.get(key));
        lastEventTimes.put(key, time);
        return time;
    }

    /**
     * Publishes an event; {@code afterwards} (the state write) runs once the broker acknowledged it. The
     * tracker's own view is updated at once by the caller's {@code known} changes below.
     */
    private void publish(GitRepoEvent event, Runnable afterwards) {
        GitRepoState before = known.get(event.key());
        updateKnown(event);
        if (batch != null) {
            batch.add(new Pending(emitter.sendMessage(KafkaMessages.keyed(event)).subscribeAsCompletionStage(),
                    afterwards));
            if (batch.size() >= REBUILD_BATCH) {
                completeBatch();
            }
            return;
        }
        try {
            emitter.sendMessageAndAwait(KafkaMessages.keyed(event));
        } catch (RuntimeException e) {
            // Not published: what this replica knows must stay what was published, so the next poll or
            // informer update of this GitRepo sees the same change again and publishes it then.
            restore(event.key(), before);
            throw new PublishFailedException(event, e);
        }
        afterwards.run();
        LOG.infof("Published %s for %s (generation %d)", event.type(), event.key(), event.generation());
    }

    private void restore(GitRepoKey key, GitRepoState before) {
        if (before == null) {
            known.remove(key);
        } else {
            known.put(key, before);
        }
    }

    private void completeBatch() {
        for (Pending pending : batch) {
            pending.sent().join();
            pending.afterwards().run();
        }
        batch.clear();
    }

    /** The in-memory state follows each event at once; the topic follows after the acknowledgement. */
    private void updateKnown(GitRepoEvent event) {
        GitRepoKey key = event.key();
        Instant time = event.time();
        GitRepoState state = known.get(key);
        if (event instanceof GitRepoEvent.Added e) {
            known.put(key, new GitRepoState(e.gitRepo(), e.generation(), e.forceSyncGeneration(), e.spec(),
                    e.commit(), time));
        } else if (event instanceof GitRepoEvent.SpecChanged e) {
            known.put(key, new GitRepoState(e.gitRepo(), e.generation(), e.forceSyncGeneration(), e.spec(),
                    e.commit(), time));
        } else if (event instanceof GitRepoEvent.ForceSync e) {
            known.put(key, new GitRepoState(e.gitRepo(), e.generation(), e.forceSyncGeneration(), e.spec(),
                    e.commit(), time));
        } else if (event instanceof GitRepoEvent.CommitDetected e) {
            if (state != null && owns(key) && state.gitRepo().uid().equals(e.gitRepo().uid())) {
                known.put(key, new GitRepoState(state.gitRepo(), state.generation(), state.forceSyncGeneration(),
                        state.spec(), e.commit(), time));
            }
        } else if (event instanceof GitRepoEvent.Deleted) {
            known.remove(key);
        }
    }
}
