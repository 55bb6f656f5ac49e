package io.gitjob.support;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class WorkQueueTest {

    @Test
    void aKeyAddedManyTimesWhileWaitingIsHandledOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> handled = new CopyOnWriteArrayList<>();
        try (var queue = new WorkQueue<String>("test", 1, Duration.ofMillis(10), Duration.ofMillis(50), key -> {
            if (key.equals("blocker")) {
                hold(release);
            }
            handled.add(key);
        }).start()) {
            queue.add("blocker");
            await().atMost(Duration.ofSeconds(5)).until(() -> queue.depth() == 1 && handled.isEmpty());
            for (int i = 0; i < 100; i++) {
                queue.add("a");
            }
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> queue.depth() == 0);
            assertEquals(List.of("blocker", "a"), handled);
        }
    }

    @Test
    void aKeyIsNeverHandledByTwoWorkersAtOnceAndAnAddWhileHandledIsHandledAfter() throws Exception {
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (var queue = new WorkQueue<String>("test", 4, Duration.ofMillis(10), Duration.ofMillis(50), key -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            if (runs.incrementAndGet() == 1) {
                firstStarted.countDown();
                hold(release);
            }
            concurrent.decrementAndGet();
        }).start()) {
            queue.add("a");
            assertTrue(firstStarted.await(5, TimeUnit.SECONDS));
            queue.add("a"); // while handled: once more afterwards, not beside it
            queue.add("a");
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2 && queue.depth() == 0);
            assertEquals(1, maxConcurrent.get());
        }
    }

    @Test
    void aFailingKeyIsRetriedWithGrowingBackoffWhileOthersGoOnAndASuccessResetsIt() {
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        List<Long> failedAt = new CopyOnWriteArrayList<>();
        try (var queue = new WorkQueue<String>("test", 2, Duration.ofMillis(100), Duration.ofSeconds(1), key -> {
            int n = attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (key.equals("flaky") && n <= 3) {
                failedAt.add(System.nanoTime());
                throw new IllegalStateException("API server says 503");
            }
        }).start()) {
            queue.add("flaky");
            queue.add("healthy");
            await().atMost(Duration.ofSeconds(2)).until(() -> attempts.containsKey("healthy"));
            await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get("flaky").get() == 4);
            await().atMost(Duration.ofSeconds(2)).until(() -> queue.failures("flaky") == 0);
            long firstGap = failedAt.get(1) - failedAt.get(0);
            long secondGap = failedAt.get(2) - failedAt.get(1);
            assertTrue(firstGap >= TimeUnit.MILLISECONDS.toNanos(100), "first retry after the initial backoff");
            assertTrue(secondGap >= TimeUnit.MILLISECONDS.toNanos(200), "then twice as long");
            assertEquals(1, attempts.get("healthy").get(), "other keys are not held up or repeated");
        }
    }

    @Test
    void backoffDoublesUpToTheMaximumWithAtMostATenthOfJitter() {
        Duration initial = Duration.ofSeconds(1);
        Duration max = Duration.ofMinutes(5);
        assertEquals(Duration.ofSeconds(1), WorkQueue.backoff(1, initial, max, 0));
        assertEquals(Duration.ofSeconds(8), WorkQueue.backoff(4, initial, max, 0));
        assertEquals(Duration.ofMinutes(5), WorkQueue.backoff(40, initial, max, 0));
        assertEquals(Duration.ofMillis(8_800), WorkQueue.backoff(4, initial, max, 1.0));
    }

    private static void hold(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
