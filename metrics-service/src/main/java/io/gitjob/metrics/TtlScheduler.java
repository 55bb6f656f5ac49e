package io.gitjob.metrics;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

/**
 * Expiries of short-lived series: a min-heap ordered by due time, run by one daemon thread that sleeps until
 * the earliest expiry (and is woken when an earlier one is scheduled). Entries are never cancelled: whoever
 * receives a due entry decides whether it is still current (lazy deletion), by comparing the entry's
 * {@code token} with the token of the last set of its key.
 *
 * <p>Time comes from a {@link Clock}. The thread only calls {@link #expireDue(Instant)} when the clock says an
 * entry is due, so tests drive the heap with their own clock and call {@link #expireDue(Instant)} themselves,
 * without the thread and without sleeping.
 *
 * @param <K> what an entry expires (metrics-service: a GitRepo's namespace/name)
 */
public final class TtlScheduler<K> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TtlScheduler.class);
    /** The thread re-reads the clock at least this often, so a wall-clock jump delays an expiry by no more. */
    private static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(30);

    /**
     * One scheduled expiry. {@code seq} orders entries of the same due time by scheduling order. The due time
     * is kept as epoch nanoseconds so the heap compares primitives.
     */
    public record Entry<K>(K key, long token, long dueEpochNanos, long seq) {
        public Instant due() {
            return Instant.ofEpochSecond(0, dueEpochNanos);
        }
    }

    private final Clock clock;
    private final Consumer<Entry<K>> onDue;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PriorityQueue<Entry<K>> heap = new PriorityQueue<>(TtlScheduler::compare);
    private long seq;
    private Thread thread;
    private volatile boolean closed;

    /**
     * @param onDue receives each entry once it is due, outside the heap's lock (it may schedule again)
     */
    public TtlScheduler(Clock clock, Consumer<Entry<K>> onDue) {
        this.clock = clock;
        this.onDue = onDue;
    }

    /** Schedules {@code key} (as set with {@code token}) to expire at {@code due}. */
    public void schedule(K key, long token, Instant due) {
        lock.lock();
        try {
            Entry<K> entry = new Entry<>(key, token, epochNanos(due), seq++);
            heap.add(entry);
            if (heap.peek() == entry) {
                changed.signalAll(); // a new earliest expiry: the thread must sleep less
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes every entry due at {@code now} off the heap and hands each to the callback, earliest first.
     *
     * @return how many entries were processed
     */
    public int expireDue(Instant now) {
        List<Entry<K>> due = new ArrayList<>();
        long nowNanos = epochNanos(now);
        lock.lock();
        try {
            while (!heap.isEmpty() && heap.peek().dueEpochNanos() <= nowNanos) {
                due.add(heap.poll());
            }
        } finally {
            lock.unlock();
        }
        for (Entry<K> entry : due) {
            try {
                onDue.accept(entry);
            } catch (RuntimeException e) {
                LOG.errorf(e, "Expiring %s failed", entry.key());
            }
        }
        return due.size();
    }

    /** Entries on the heap, current and stale. */
    public int size() {
        lock.lock();
        try {
            return heap.size();
        } finally {
            lock.unlock();
        }
    }

    /** When the earliest entry is due, if there is one. */
    public Optional<Instant> nextDue() {
        lock.lock();
        try {
            return Optional.ofNullable(heap.peek()).map(Entry::due);
        } finally {
            lock.unlock();
        }
    }

    /** Starts the thread that expires entries on time. */
    public synchronized void start(String threadName) {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!closed) {
            try {
                awaitDue();
            } catch (InterruptedException e) {
                return;
            }
            if (!closed) {
                expireDue(clock.instant());
            }
        }
    }

    /** Returns once the earliest entry is due (or on close). */
    private void awaitDue() throws InterruptedException {
        lock.lock();
        try {
            while (!closed) {
                Entry<K> head = heap.peek();
                if (head == null) {
                    changed.await();
                    continue;
                }
                long wait = nanosUntil(head.dueEpochNanos());
                if (wait <= 0) {
                    return;
                }
                changed.awaitNanos(wait);
            }
        } finally {
            lock.unlock();
        }
    }

    private long nanosUntil(long dueEpochNanos) {
        return Math.min(dueEpochNanos - epochNanos(clock.instant()), MAX_SLEEP_NANOS);
    }

    private static int compare(Entry<?> a, Entry<?> b) {
        int byDue = Long.compare(a.dueEpochNanos(), b.dueEpochNanos());
        return byDue != 0 ? byDue : Long.compare(a.seq(), b.seq());
    }

    /** Epoch nanoseconds, saturated: a long holds instants up to the year 2262. */
    private static long epochNanos(Instant instant) {
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
        } catch (ArithmeticException e) {
            return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
