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
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.gitjob.events.GitRepoEvent;
import io.gitjob.events.GitRepoEvent.CommitSource;
import io.gitjob.events.GitRepoKey;
import io.gitjob.events.GitRepoRef;
import io.gitjob.events.GitRepoState;
import io.gitjob.events.RepoSpec;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.PolledSource;
import io.gitjob.support.PartitionOwnership;
import io.gitjob.watcher.StateReconciliation.Change;
import io.gitjob.watcher.StateReconciliation.Step;
import io.gitjob.watcher.poll.CommitChange;
import io.gitjob.watcher.poll.RefSelection.Head;
import io.gitjob.watcher.state.StateTopic;

/**
 * What this replica knows of the GitRepos it owns (design section 4): their last published state, the same
 * as on {@code gitrepo-state}, and the time of their last event. Changes are decided under one lock, so the
 * informer, the pollers, the webhook and a rebuild never interleave their decisions for a GitRepo; the events
 * are sent after the lock is let go ({@link GitRepoEventPublisher}), and a send that fails puts back what was
 * known before, so the change is seen again (the next poll, the informer's resync). The state record is
 * written after its event was acknowledged (a crash in between republishes the event, never loses it).
 */
@ApplicationScoped
public class GitRepoTracker {

    private static final Logger LOG = Logger.getLogger(GitRepoTracker.class);

    @Inject
    GitRepoEventPublisher publisher;

    @Inject
    StateTopic stateTopic;

    @Inject
    io.gitjob.watcher.poll.PollingStatusWriter statusWriter;

    Clock clock = Clock.systemUTC();

    /**
     * One entry per GitRepo of the owned partitions, kept after its deletion for its last event time (a GitRepo
     * re-created under the name goes on after it). One map, not one per field: at thousands of GitRepos a map's
     * node and table slot per field were a third of what the tracker kept per GitRepo.
     */
    private final Map<GitRepoKey, Tracked> tracked = new HashMap<>();
    /** The gitrepo-state partitions whose GitRepos this replica watches, set once each rebuild is done. */
    private final PartitionOwnership ownership = new PartitionOwnership(io.gitjob.events.Topics.GITREPO_STATE);
    private int partitionCount;

    /** What the tracker knows of one GitRepo; guarded by the tracker. */
    private static final class Tracked {
        /** The last state published (the same as on gitrepo-state); null once deleted or not yet known. */
        GitRepoState state;
        /** The time of its last event, deleted or not: the next one is later (EventTimes). */
        Instant lastEventTime;
        /**
         * The source its pollingCommit is recorded as resolved from (the PolledSource annotation), a digest of repo,
         * branch and revision: interned, as GitRepos of one repository and branch (one per path of a monorepo)
         * have the same one.
         */
        String recordedSource;
    }

    /**
     * Held while a commit of a GitRepo is decided, recorded, published and remembered (see commitFetched): one of
     * a fixed set, by the GitRepo's key, rather than one per GitRepo, which would be kept for every GitRepo ever
     * polled. Two GitRepos of one stripe record one after the other; with this many stripes and a few fetcher
     * threads, a slow API server or broker holds up few other GitRepos.
     */
    private static final int RECORDING_STRIPES = 256;
    private final Object[] recordings = new Object[RECORDING_STRIPES];

    {
        for (int i = 0; i < RECORDING_STRIPES; i++) {
            recordings[i] = new Object();
        }
    }

    /** An event decided under the lock, to send after it: what was known before, what to do once it is sent. */
    private record Outgoing(GitRepoEvent event, GitRepoState before, Runnable afterwards) {
    }

    public synchronized boolean owns(GitRepoKey key) {
        return ownership.owns(key);
    }

    public synchronized Set<Integer> ownedPartitions() {
        return ownership.owned();
    }

    /** The informer saw a GitRepo (added, updated, or listed again by its resync). */
    public void observed(GitRepo gitRepo) {
        List<Outgoing> out = new ArrayList<>();
        synchronized (this) {
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
            GitRepoState state = known(key);
            apply(StateReconciliation.decide(state, current), state, current, out);
        }
        send(out);
    }

    /**
     * What the informer shows of a GitRepo's recorded commit. The source it is recorded as resolved from (the
     * {@link PolledSource} annotation) is noted, so a poll of an edited source that finds the same head records
     * the new source once. A status that lacks the commit this replica knows (written before gitjob's upgrade,
     * or cleared) gets it recorded again, so job-service has its wanted state; only a missing one: a different
     * one may be newer (a webhook taken by another replica), and the next poll settles it.
     */
    public void recordIfMissing(GitRepo gitRepo) {
        GitRepoKey key = GitRepoEventFactory.ref(gitRepo).key();
        recordSource(key, polledSource(gitRepo));
        var status = gitRepo.getStatus();
        if (status != null && status.getPollingCommit() != null && !status.getPollingCommit().isBlank()) {
            return;
        }
        GitRepoState state;
        synchronized (this) {
            GitRepoRef ref = GitRepoEventFactory.ref(gitRepo);
            state = owns(ref.key()) ? known(ref.key()) : null;
            if (state == null || state.commit() == null || !state.gitRepo().uid().equals(ref.uid())) {
                return;
            }
        }
        try {
            statusWriter.commitFound(state.gitRepo(), state.spec(), state.commit(), state.updated());
        } catch (RuntimeException e) {
            LOG.warnf("Could not record commit %s in the status of %s; again on the next resync: %s",
                    state.commit(), state.gitRepo().key(), e.getMessage());
        }
    }

    /**
     * A GitRepo left this installation's shard (its {@code fleet.cattle.io/shard-ref} label now names another):
     * it is gone for this installation, not deleted. Forgotten (no more polls, a tombstone on
     * {@code gitrepo-state} so a restart does not take it for deleted) without {@code gitrepo.deleted}: that
     * event tells job-service its Jobs go and the replay tools that it was deleted, neither true; the other
     * installation now runs it. Its series leave this installation's metrics through metrics-service's own
     * shard-selected GitRepo informer, which sees it leave.
     */
    public void released(GitRepo gitRepo) {
        GitRepoRef ref = GitRepoEventFactory.ref(gitRepo);
        synchronized (this) {
            GitRepoState state = known(ref.key());
            if (!owns(ref.key()) || state == null || !state.gitRepo().uid().equals(ref.uid())) {
                return;
            }
            forgetReleased(ref.key());
        }
        LOG.infof("%s left this installation's shard: no longer watched (no gitrepo.deleted)", ref.key());
    }

    private void forgetReleased(GitRepoKey key) {
        tracked.remove(key);
        stateTopic.tombstone(key);
    }

    /** The informer saw a GitRepo deleted. */
    public void gone(GitRepo gitRepo) {
        List<Outgoing> out = new ArrayList<>();
        synchronized (this) {
            GitRepoRef ref = GitRepoEventFactory.ref(gitRepo);
            GitRepoState state = known(ref.key());
            if (!owns(ref.key()) || state == null || !state.gitRepo().uid().equals(ref.uid())) {
                return;
            }
            apply(Change.DELETED, state, null, out);
        }
        send(out);
    }

    /**
     * This replica now owns {@code partitions}: learn their GitRepos from what was published before
     * ({@code stored}, read from {@code gitrepo-state}) and publish what changed in the cluster since. The
     * cluster is read under the lock, so an informer callback of these GitRepos waits and is then compared
     * with the rebuilt state; the events are sent once the lock is let go.
     *
     * @throws PublishFailedException when the broker did not take them (the caller forgets the partitions and
     *         asks for a new assignment, which rebuilds again)
     */
    public void assigned(Set<Integer> partitions, int totalPartitions, Map<GitRepoKey, GitRepoState> stored,
            Supplier<Collection<GitRepo>> cluster) {
        assigned(partitions, totalPartitions, stored, cluster, state -> false);
    }

    /**
     * @param released whether a GitRepo published before and absent from the cluster's view still exists in
     *        another shard: it is forgotten then (see {@link #released}), not published as deleted
     */
    public void assigned(Set<Integer> partitions, int totalPartitions, Map<GitRepoKey, GitRepoState> stored,
            Supplier<Collection<GitRepo>> cluster, java.util.function.Predicate<GitRepoState> released) {
        List<Outgoing> out = new ArrayList<>();
        synchronized (this) {
            decideRebuild(partitions, totalPartitions, stored, cluster, released, out);
        }
        List<GitRepoEvent> events = out.stream().map(Outgoing::event).toList();
        java.util.Iterator<Outgoing> done = out.iterator();
        publisher.sendAll(events, event -> done.next().afterwards().run());
    }

    private void decideRebuild(Set<Integer> partitions, int totalPartitions,
            Map<GitRepoKey, GitRepoState> stored, Supplier<Collection<GitRepo>> cluster,
            java.util.function.Predicate<GitRepoState> released, List<Outgoing> out) {
        partitionCount = totalPartitions;
        Map<GitRepoKey, Observed> observed = new HashMap<>();
        Set<GitRepoKey> unreadable = new HashSet<>();
        Map<GitRepoKey, String> sources = new HashMap<>();
        for (GitRepo gitRepo : cluster.get()) {
            GitRepoKey key = GitRepoEventFactory.ref(gitRepo).key();
            if (!partitions.contains(key.partition(partitionCount))) {
                continue;
            }
            String source = polledSource(gitRepo);
            if (source != null) {
                sources.put(key, source);
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
        for (Step step : steps) {
            if (step.known() != null) {
                Tracked entry = track(step.known().gitRepo().key());
                entry.state = step.known();
                if (entry.lastEventTime == null || step.known().updated().isAfter(entry.lastEventTime)) {
                    entry.lastEventTime = step.known().updated();
                }
            }
            if (step.change() == Change.DELETED && released.test(step.known())) {
                // Labelled into another shard while this installation was down or did not own it.
                forgetReleased(step.known().gitRepo().key());
                continue;
            }
            if (step.change() != Change.NONE) {
                published++;
            }
            apply(step.change(), step.known(), step.current(), out);
        }
        // What the cluster shows recorded, so the first poll does not write the same source again.
        sources.forEach(this::recordSource);
        ownership.assigned(partitions, partitionCount);
        LOG.infof("Rebuilt gitrepo-state partitions %s of %d: %d GitRepos, %d events for changes missed while "
                + "unowned", partitions, partitionCount, steps.size(), published);
    }

    /** Another replica takes these partitions over: forget their GitRepos (it rebuilds them). */
    public synchronized void revoked(Set<Integer> partitions) {
        ownership.revoked(partitions);
        if (partitionCount > 0) {
            tracked.keySet().removeIf(key -> partitions.contains(key.partition(partitionCount)));
        }
    }

    /** Every owned GitRepo's state, for the poll scheduler. */
    public synchronized List<GitRepoState> snapshot() {
        List<GitRepoState> states = new ArrayList<>(tracked.size());
        for (Tracked entry : tracked.values()) {
            if (entry.state != null) {
                states.add(entry.state);
            }
        }
        return states;
    }

    public synchronized GitRepoState state(GitRepoKey key) {
        return known(key);
    }

    private GitRepoState known(GitRepoKey key) {
        Tracked entry = tracked.get(key);
        return entry == null ? null : entry.state;
    }

    private Tracked track(GitRepoKey key) {
        return tracked.computeIfAbsent(key, k -> new Tracked());
    }

    /** Sets (or with null clears) what is recorded of a GitRepo's source; only for a GitRepo tracked here. */
    private synchronized void recordSource(GitRepoKey key, String source) {
        Tracked entry = tracked.get(key);
        if (entry != null && entry.state != null) {
            entry.recordedSource = source == null ? null : source.intern();
        }
    }

    /** The source the GitRepo's status shows its pollingCommit resolved from (the PolledSource annotation). */
    private static String polledSource(GitRepo gitRepo) {
        var annotations = gitRepo.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(PolledSource.ANNOTATION);
    }

    private synchronized String recordedSource(GitRepoKey key) {
        Tracked entry = tracked.get(key);
        return entry == null ? null : entry.recordedSource;
    }

    /**
     * A head read from the remote (or pushed by a webhook). When it is new it is recorded in the GitRepo's status
     * ({@code pollingCommit}, the durable wanted commit job-service reads), then commit detected is published, and
     * only once both are done does the watcher remember it: a failure of either throws, and the next poll finds
     * the commit new again. The API and Kafka calls are made outside the tracker's lock, so a slow API server or
     * broker holds up this GitRepo's poll and few others (those of its recording stripe). A result for a GitRepo
     * that is gone, re-created, or whose repo/branch/revision changed while it was fetched is stale and dropped.
     *
     * @return true when a commit was detected
     * @throws PublishFailedException when the status write or the publish failed
     */
    public boolean commitFetched(GitRepoRef ref, RepoSpec polled, Head head, double seconds, CommitSource source) {
        // One commit of a GitRepo at a time from decision to memory (a poll and webhooks may overlap): two
        // overlapping records could land in the status in the wrong order, an older pollingCommit last.
        Object recording = recordings[Math.floorMod(ref.key().hashCode(), RECORDING_STRIPES)];
        synchronized (recording) {
            return commitFetchedAlone(ref, polled, head, seconds, source);
        }
    }

    private boolean commitFetchedAlone(GitRepoRef ref, RepoSpec polled, Head head, double seconds,
            CommitSource source) {
        GitRepoEvent event;
        GitRepoState state;
        synchronized (this) {
            state = current(ref, polled);
            if (state == null) {
                return false;
            }
            if (CommitChange.decide(state.commit(), head.commit()) == CommitChange.Outcome.UNCHANGED) {
                event = null;
            } else {
                event = GitRepoEventFactory.commitDetected(state, head.branch(), head.commit(), seconds, source,
                        nextTime(ref.key()));
            }
        }
        if (event == null) {
            // The head is the known commit, but perhaps of a repo/branch/revision edited since: the new source
            // happens to have the same head. Said once, so job-service stops waiting for the new source's commit.
            String digest = PolledSource.of(polled.repo(), polled.branch(), polled.revision());
            if (!digest.equals(recordedSource(ref.key()))) {
                try {
                    statusWriter.commitFound(ref, polled, head.commit(), clock.instant());
                } catch (RuntimeException e) {
                    throw new PublishFailedException(GitRepoEventFactory.commitDetected(state, head.branch(),
                            head.commit(), seconds, source, clock.instant()), e);
                }
                recordSource(ref.key(), digest);
            }
            return false;
        }
        record(ref, polled, event, head.commit(), source);
        synchronized (this) {
            recordSource(ref.key(), PolledSource.of(polled.repo(), polled.branch(), polled.revision()));
            GitRepoState now = current(ref, polled);
            if (now != null) {
                GitRepoState next = new GitRepoState(now.gitRepo(), now.generation(), now.forceSyncGeneration(),
                        now.spec(), head.commit(), event.time());
                tracked.get(ref.key()).state = next;
                remember(next);
            }
        }
        LOG.infof("Published %s for %s: commit %s (%s)", event.type(), event.key(), head.commit(), source);
        return true;
    }

    /** Status first (the wanted state), then the event (the trigger and the record). */
    private void record(GitRepoRef ref, RepoSpec spec, GitRepoEvent event, String commit, CommitSource source) {
        try {
            if (!statusWriter.commitFound(ref, spec, commit, event.time())) {
                return; // gone or re-created meanwhile: nothing to record for it
            }
        } catch (RuntimeException e) {
            throw new PublishFailedException(event, e);
        }
        publisher.send(event);
    }

    /**
     * Asking the remote failed: publishes commit fetch failed (not for a stale fetch).
     *
     * @return false when the fetch was stale (the GitRepo gone, re-created, edited or no longer owned)
     */
    public boolean fetchFailed(GitRepoRef ref, RepoSpec polled, Throwable error, double seconds) {
        GitRepoEvent event;
        synchronized (this) {
            GitRepoState state = current(ref, polled);
            if (state == null) {
                return false;
            }
            event = GitRepoEventFactory.fetchFailed(state, error, seconds, nextTime(ref.key()));
        }
        // The state record is not rewritten: a failing GitRepo would otherwise write one every interval.
        publisher.send(event);
        return true;
    }

    /**
     * ls-remotes that found the known commit still at the head: published as one tally (Fleet counts every
     * ls-remote in its fetch metrics). Not for a GitRepo gone, re-created or no longer owned.
     *
     * @return false when the tally is stale and is to be dropped
     * @throws PublishFailedException when the broker did not take it (the caller keeps the tally for the next try)
     */
    public boolean headUnchanged(GitRepoRef ref, String eventId, String commit, Instant since,
            List<Double> fetchSeconds) {
        GitRepoEvent event;
        synchronized (this) {
            GitRepoState state = known(ref.key());
            if (!owns(ref.key()) || state == null || !state.gitRepo().uid().equals(ref.uid())) {
                return false;
            }
            // The fetches were made whatever the GitRepo's commit or source is now: counted under the commit
            // they found.
            event = GitRepoEventFactory.headUnchanged(state, eventId, commit, since, fetchSeconds,
                    nextTime(ref.key()));
        }
        publisher.send(event);
        return true;
    }

    private GitRepoState current(GitRepoRef ref, RepoSpec polled) {
        GitRepoState state = known(ref.key());
        if (!owns(ref.key()) || state == null || !state.gitRepo().uid().equals(ref.uid())
                || !sameSource(state.spec(), polled)) {
            return null;
        }
        return state;
    }

    public static boolean sameSource(RepoSpec a, RepoSpec b) {
        return a.repo().equals(b.repo()) && java.util.Objects.equals(a.branch(), b.branch())
                && java.util.Objects.equals(a.revision(), b.revision());
    }

    private void apply(Change change, GitRepoState state, Observed current, List<Outgoing> out) {
        switch (change) {
            case NONE -> {
                // status-only update, or nothing missed
            }
            case ADDED -> {
                Instant time = nextTime(current.key());
                publish(GitRepoEventFactory.added(current, time, null), () -> remember(stateOf(current, null, time)),
                        out);
            }
            case SPEC_CHANGED -> {
                Instant time = nextTime(current.key());
                publish(GitRepoEventFactory.specChanged(state, current, time),
                        () -> remember(stateOf(current, state.commit(), time)), out);
            }
            case FORCE_SYNC -> {
                Instant time = nextTime(current.key());
                publish(GitRepoEventFactory.forceSync(state, current, time),
                        () -> remember(stateOf(current, state.commit(), time)), out);
            }
            case DELETED -> {
                GitRepoKey key = state.gitRepo().key();
                publish(GitRepoEventFactory.deleted(state, nextTime(key)), () -> stateTopic.tombstone(key), out);
                // Forgotten at once, not after the acknowledgement: an add of the same name must see it gone.
                forget(key);
            }
            case REPLACED -> {
                apply(Change.DELETED, state, null, out);
                apply(Change.ADDED, null, current, out);
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
        Tracked entry = track(key);
        Instant time = EventTimes.next(clock.instant(), entry.lastEventTime);
        entry.lastEventTime = time;
        return time;
    }

    /** The GitRepo is deleted: its state goes, its last event time stays. */
    private void forget(GitRepoKey key) {
        Tracked entry = tracked.get(key);
        if (entry != null) {
            entry.state = null;
            entry.recordedSource = null;
        }
    }

    /**
     * Decides an event under the lock: what this replica knows follows it at once (so the next decision sees
     * it); {@code afterwards} (the state write) runs once the broker acknowledged it.
     */
    private void publish(GitRepoEvent event, Runnable afterwards, List<Outgoing> out) {
        GitRepoState before = known(event.key());
        updateKnown(event);
        out.add(new Outgoing(event, before, afterwards));
    }

    /**
     * Sends what was decided, in order, outside the lock. A send that fails puts back what was known before it
     * and before every later one of the same GitRepo (unless a newer decision changed it meanwhile), so the
     * next poll or informer resync sees the same change again and publishes it then.
     */
    private void send(List<Outgoing> out) {
        for (int i = 0; i < out.size(); i++) {
            Outgoing next = out.get(i);
            try {
                publisher.send(next.event());
            } catch (PublishFailedException e) {
                synchronized (this) {
                    for (int j = out.size() - 1; j >= i; j--) {
                        restore(out.get(j));
                    }
                }
                throw e;
            }
            next.afterwards().run();
            LOG.infof("Published %s for %s (generation %d)", next.event().type(), next.event().key(),
                    next.event().generation());
        }
    }

    private void restore(Outgoing unsent) {
        GitRepoKey key = unsent.event().key();
        GitRepoState now = known(key);
        boolean unchangedSince = unsent.event() instanceof GitRepoEvent.Deleted ? now == null
                : now != null && now.updated().equals(unsent.event().time());
        if (!unchangedSince) {
            return;
        }
        if (unsent.before() == null) {
            forget(key);
        } else {
            track(key).state = unsent.before();
        }
    }

    /** The in-memory state follows each event at once; the topic follows after the acknowledgement. */
    private void updateKnown(GitRepoEvent event) {
        GitRepoKey key = event.key();
        Instant time = event.time();
        GitRepoState state = known(key);
        if (event instanceof GitRepoEvent.Added e) {
            track(key).state = new GitRepoState(e.gitRepo(), e.generation(), e.forceSyncGeneration(), e.spec(),
                    e.commit(), time);
        } else if (event instanceof GitRepoEvent.SpecChanged e) {
            track(key).state = new GitRepoState(e.gitRepo(), e.generation(), e.forceSyncGeneration(), e.spec(),
                    e.commit(), time);
        } else if (event instanceof GitRepoEvent.ForceSync e) {
            track(key).state = new GitRepoState(e.gitRepo(), e.generation(), e.forceSyncGeneration(), e.spec(),
                    e.commit(), time);
        } else if (event instanceof GitRepoEvent.CommitDetected e) {
            if (state != null && owns(key) && state.gitRepo().uid().equals(e.gitRepo().uid())) {
                track(key).state = new GitRepoState(state.gitRepo(), state.generation(), state.forceSyncGeneration(),
                        state.spec(), e.commit(), time);
            }
        } else if (event instanceof GitRepoEvent.Deleted) {
            forget(key);
        }
    }
}
