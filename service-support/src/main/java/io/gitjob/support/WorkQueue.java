package io.gitjob.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

/**
 * A rate-limited work queue of keys, as controller-runtime's: a key is in the queue at most once however often
 * it is added, a key is handled by one worker at a time (added again while handled, it is handled once more
 * afterwards), and a key whose handling threw is retried after an exponential backoff per key (with jitter)
 * that a success resets. Nothing is lost to an exception; nothing about a key is kept but whether it waits and
 * its failure count, so a restart loses only what the owner's resync finds again.
 */
public final class WorkQueue<K> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WorkQueue.class);

    private final String name;
    private final Consumer<K> handler;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final ScheduledExecutorService delays;
    private final Thread[] workers;

    private final Object lock = new Object();
    private final LinkedHashSet<K> queue = new LinkedHashSet<>();
    private final Set<K> processing = new HashSet<>();
    /** Added while processing: queued again once its handling is over. */
    private final Set<K> dirtyWhileProcessing = new HashSet<>();
    private final Map<K, Integer> failures = new HashMap<>();
    /** When each waiting key was queued, for the time keys wait for a worker. */
    private final Map<K, Long> queuedAt = new HashMap<>();
    private volatile java.util.function.LongConsumer waited = nanos -> {
    };
    private volatile boolean closed;

    public WorkQueue(String name, int workers, Duration initialBackoff, Duration maxBackoff, Consumer<K> handler) {
        this.name = name;
        this.handler = handler;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.delays = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name + "-delays"));
        this.workers = new Thread[Math.max(1, workers)];
        AtomicInteger n = new AtomicInteger();
        for (int i = 0; i < this.workers.length; i++) {
            this.workers[i] = daemon(this::work, name + "-worker-" + n.incrementAndGet());
        }
    }

    /** Told, for every key a worker takes, how long (ns) it waited in the queue since it was (last) queued. */
    public WorkQueue<K> onWaited(java.util.function.LongConsumer waited) {
        this.waited = waited;
        return this;
    }

    public WorkQueue<K> start() {
        for (Thread worker : workers) {
            worker.start();
        }
        return this;
    }

    /** Asks for {@code key} to be handled soon. */
    public void add(K key) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (processing.contains(key)) {
                dirtyWhileProcessing.add(key);
            } else if (queue.add(key)) {
                queuedAt.put(key, System.nanoTime());
                lock.notify();
            }
        }
    }

    /** Asks for {@code key} to be handled after {@code delay}. */
    public void addAfter(K key, Duration delay) {
        if (closed) {
            return;
        }
        try {
            delays.schedule(() -> add(key), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** Keys waiting or being handled: for tests and the queue-depth gauge. */
    public int depth() {
        synchronized (lock) {
            return queue.size() + processing.size();
        }
    }

    /** Consecutive failures of {@code key}: 0 once it was handled without an exception. */
    public int failures(K key) {
        synchronized (lock) {
            return failures.getOrDefault(key, 0);
        }
    }

    private void work() {
        while (true) {
            K key;
            long waitedNanos;
            synchronized (lock) {
                while (queue.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        // A handler's interrupt is no reason to stop taking keys; close() is.
                        Thread.interrupted();
                    }
                }
                if (closed) {
                    return;
                }
                var it = queue.iterator();
                key = it.next();
                it.remove();
                processing.add(key);
                Long at = queuedAt.remove(key);
                waitedNanos = at == null ? 0 : System.nanoTime() - at;
            }
            waited.accept(waitedNanos);
            boolean failed = false;
            try {
                handler.accept(key);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                // Any other failure, an Error too, is this key's to retry: the worker lives on.
                failed = true;
                retryLater(key, e);
            } finally {
                synchronized (lock) {
                    processing.remove(key);
                    if (!failed) {
                        failures.remove(key);
                    }
                    if (dirtyWhileProcessing.remove(key) && !closed && queue.add(key)) {
                        queuedAt.put(key, System.nanoTime());
                        lock.notify();
                    }
                }
            }
        }
    }

    private void retryLater(K key, Throwable e) {
        int attempt;
        synchronized (lock) {
            attempt = failures.merge(key, 1, Integer::sum);
        }
        Duration delay = backoff(attempt, initialBackoff, maxBackoff, ThreadLocalRandom.current().nextDouble());
        LOG.warnf("%s: handling %s failed (attempt %d), retrying in %s: %s", name, key, attempt, delay,
                Transient.describe(e));
        LOG.debugf(e, "%s: failure of %s", name, key);
        addAfter(key, delay);
    }

    /** initial * 2^(attempt-1), at most {@code max}, plus up to 10% jitter so retries of many keys spread. */
    public static Duration backoff(int attempt, Duration initial, Duration max, double random) {
        long millis = initial.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
        long base = millis <= 0 || millis > max.toMillis() ? max.toMillis() : millis;
        return Duration.ofMillis(base + (long) (base * 0.1 * random));
    }

    /** Stops taking keys; a handling in progress finishes for up to {@code timeout}. */
    public void close(Duration timeout) {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        delays.shutdownNow();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread worker : workers) {
            try {
                worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
