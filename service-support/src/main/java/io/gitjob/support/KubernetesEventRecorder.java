package io.gitjob.support;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventSeriesBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gitjob.events.UrlCredentials;

/**
 * Records Kubernetes Events ({@code events.k8s.io/v1}) on an object, the way controller-runtime's recorder does for
 * Fleet's controllers, so {@code kubectl describe} and {@code kubectl events} tell the same story whichever of the
 * two runs.
 *
 * <p>Events are best effort: {@link #record} never throws for an API failure and never blocks on the API (writes
 * happen on one background thread; when its queue is full an event is dropped). A repeat of the same event (same
 * object, type, reason, action, note and related object) within {@link Settings#seriesIdle} of the last one does not
 * make a new Event: it counts in the first one's {@code series} (count, lastObservedTime), written at once on the
 * first repeat and then at most once per {@link Settings#seriesWriteInterval}, so a failure repeated every poll
 * costs the API server one patch every half minute, not one object per poll. The note is kept to the API's 1 kB
 * and scrubbed of URL credentials, whatever the caller passes.
 *
 * <p>Unlike client-go, the note is part of what makes two events the same: a series then never shows a note
 * (say, the commit) that its later occurrences did not have. And the object's resourceVersion is not: a status
 * write between two occurrences does not break a series.
 */
public final class KubernetesEventRecorder implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KubernetesEventRecorder.class);

    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";

    /** The API refuses a longer note, reason, action or reporting name. */
    static final int MAX_NOTE_BYTES = 1024;
    static final int MAX_NAME_CHARS = 128;

    private static final DateTimeFormatter MICRO_TIME = DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX").withZone(ZoneOffset.UTC);


    /**
     * How the recorder aggregates and how much it keeps.
     *
     * @param maxSeries the most distinct events remembered for aggregation (the least recently seen is forgotten
     *        first: its next repeat makes a new Event, nothing worse)
     * @param seriesIdle a repeat later than this after the previous occurrence starts a new Event (client-go: 6 min)
     * @param seriesWriteInterval the longest a series' count waits before it is written
     * @param maxQueued the most events waiting for the background writer
     */
    public record Settings(int maxSeries, Duration seriesIdle, Duration seriesWriteInterval, int maxQueued) {
        public static final Settings DEFAULTS = new Settings(4096, Duration.ofMinutes(6), Duration.ofSeconds(30),
                10_000);
    }

    private final KubernetesClient client;
    private final String reportingController;
    private final String reportingInstance;
    private final Settings settings;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor writer;
    private final AtomicInteger queued = new AtomicInteger();
    /** Touched only on the writer thread. Access order: the least recently seen series is evicted first. */
    private final LinkedHashMap<Key, Series> series;

    public KubernetesEventRecorder(KubernetesClient client, String reportingController, String reportingInstance) {
        this(client, reportingController, reportingInstance, Settings.DEFAULTS, Clock.systemUTC());
    }

    public KubernetesEventRecorder(KubernetesClient client, String reportingController, String reportingInstance,
            Settings settings, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.reportingController = limit(requireText(reportingController, "reportingController"));
        this.reportingInstance = limit(requireText(reportingInstance, "reportingInstance"));
        this.settings = settings;
        this.clock = clock;
        this.series = new LinkedHashMap<>(64, 0.75f, true);
        this.writer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "kubernetes-events");
            t.setDaemon(true);
            return t;
        });
        writer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        long every = Math.max(1, settings.seriesWriteInterval().toMillis());
        writer.scheduleWithFixedDelay(this::writeDueSeries, every, every, TimeUnit.MILLISECONDS);
    }

    public void normal(HasMetadata regarding, String reason, String action, String note) {
        record(regarding, null, NORMAL, reason, action, note);
    }

    public void warning(HasMetadata regarding, String reason, String action, String note) {
        record(regarding, null, WARNING, reason, action, note);
    }

    /**
     * Records one occurrence of an event on {@code regarding} (in its namespace). Returns at once; the API is
     * written in the background.
     *
     * @param related a second object the event is about (Fleet: the Job of a GitRepo's event), or null
     * @param type {@link #NORMAL} or {@link #WARNING}
     * @param reason why, UpperCamelCase (Fleet's: {@code GotNewCommit}, {@code FailedToCheckCommit}, ...)
     * @param action what was done or failed, UpperCamelCase
     * @throws IllegalArgumentException only for a programming error (no object, an unknown type, no reason or
     *         action): never for anything the cluster does
     */
    public void record(HasMetadata regarding, HasMetadata related, String type, String reason, String action,
            String note) {
        Objects.requireNonNull(regarding, "regarding");
        if (!NORMAL.equals(type) && !WARNING.equals(type)) {
            throw new IllegalArgumentException("event type must be Normal or Warning, not " + type);
        }
        requireText(reason, "reason");
        requireText(action, "action");
        Occurrence occurrence = new Occurrence(reference(regarding), related == null ? null : reference(related),
                type, limit(reason), limit(action), note(note), clock.instant());
        if (queued.incrementAndGet() > settings.maxQueued()) {
            queued.decrementAndGet();
            LOG.debugf("Event %s on %s/%s dropped: the writer is behind", reason,
                    occurrence.regarding.getNamespace(), occurrence.regarding.getName());
            return;
        }
        try {
            writer.execute(() -> {
                queued.decrementAndGet();
                write(occurrence);
            });
        } catch (RejectedExecutionException closed) {
            queued.decrementAndGet();
        }
    }

    /** Waits until everything recorded before this call has been written (or dropped); for tests and shutdown. */
    public boolean drain(Duration timeout) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        try {
            writer.execute(done::countDown);
        } catch (RejectedExecutionException closed) {
            return true;
        }
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Writes the counts still pending, then stops the writer. */
    @Override
    public void close() {
        try {
            writer.execute(() -> series.values().forEach(s -> {
                if (s.dirty) {
                    writeSeries(s);
                }
            }));
        } catch (RejectedExecutionException alreadyClosed) {
            return;
        }
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.shutdownNow();
    }

    /** How many distinct events are remembered for aggregation; bounded by {@link Settings#maxSeries}. */
    int remembered() throws InterruptedException {
        int[] size = new int[1];
        CountDownLatch done = new CountDownLatch(1);
        writer.execute(() -> {
            size[0] = series.size();
            done.countDown();
        });
        done.await(5, TimeUnit.SECONDS);
        return size[0];
    }

    private void write(Occurrence o) {
        Key key = new Key(o);
        Series known = series.get(key);
        if (known != null && !o.at.isAfter(known.lastObserved.plus(settings.seriesIdle()))) {
            known.count++;
            known.lastObserved = o.at;
            known.dirty = true;
            if (known.count == 2) {
                writeSeries(known);
            }
            return;
        }
        if (known != null && known.dirty) {
            writeSeries(known);
        }
        Event event = new EventBuilder()
                .withNewMetadata()
                .withNamespace(o.regarding.getNamespace())
                // client-go's naming: unique per occurrence, sorted by time, found from the object's name
                .withName(o.regarding.getName() + "." + Long.toHexString(epochNanos(o.at)))
                .endMetadata()
                .withRegarding(o.regarding)
                .withRelated(o.related)
                .withType(o.type)
                .withReason(o.reason)
                .withAction(o.action)
                .withNote(o.note)
                .withReportingController(reportingController)
                .withReportingInstance(reportingInstance)
                .withEventTime(microTime(o.at))
                .build();
        try {
            client.events().v1().events().inNamespace(o.regarding.getNamespace()).resource(event).create();
        } catch (RuntimeException e) {
            LOG.warnf("Event %s on %s/%s not recorded (events are best effort): %s", o.reason,
                    o.regarding.getNamespace(), o.regarding.getName(), Transient.describe(e));
            return;
        }
        series.put(key, new Series(event, o.at));
        while (series.size() > settings.maxSeries()) {
            Iterator<Map.Entry<Key, Series>> eldest = series.entrySet().iterator();
            Series evicted = eldest.next().getValue();
            eldest.remove();
            if (evicted.dirty) {
                writeSeries(evicted);
            }
        }
    }

    private void writeDueSeries() {
        Instant now = clock.instant();
        for (Iterator<Series> it = series.values().iterator(); it.hasNext();) {
            Series s = it.next();
            if (s.dirty) {
                writeSeries(s);
            }
            if (now.isAfter(s.lastObserved.plus(settings.seriesIdle()))) {
                it.remove();
            }
        }
    }

    private void writeSeries(Series s) {
        s.dirty = false;
        String namespace = s.event.getMetadata().getNamespace();
        String patch = "{\"series\":{\"count\":" + s.count + ",\"lastObservedTime\":\""
                + MICRO_TIME.format(s.lastObserved) + "\"}}";
        try {
            // resource(event), not withName(name): without an item Fabric8 GETs the object before a patch, a read
            // per series write that the merge patch does not need
            client.events().v1().events().inNamespace(namespace).resource(s.event)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                recreate(s);
                return;
            }
            LOG.warnf("Count of event %s on %s/%s not updated (events are best effort): %s",
                    s.event.getReason(), namespace, s.event.getRegarding().getName(), Transient.describe(e));
        } catch (RuntimeException e) {
            LOG.warnf("Count of event %s on %s/%s not updated (events are best effort): %s",
                    s.event.getReason(), namespace, s.event.getRegarding().getName(), Transient.describe(e));
        }
    }

    /** The Event went (its TTL, an admin): the series goes on in a new object, as client-go does. */
    private void recreate(Series s) {
        Event again = new EventBuilder(s.event)
                .editMetadata().withResourceVersion(null).withUid(null).withCreationTimestamp(null).endMetadata()
                .withSeries(new EventSeriesBuilder().withCount(s.count)
                        .withLastObservedTime(microTime(s.lastObserved)).build())
                .build();
        try {
            client.events().v1().events().inNamespace(again.getMetadata().getNamespace()).resource(again).create();
        } catch (RuntimeException e) {
            LOG.warnf("Event %s on %s/%s not recorded again (events are best effort): %s", s.event.getReason(),
                    s.event.getMetadata().getNamespace(), s.event.getRegarding().getName(), Transient.describe(e));
        }
    }

    private static ObjectReference reference(HasMetadata object) {
        var meta = Objects.requireNonNull(object.getMetadata(), "metadata");
        return new ObjectReferenceBuilder()
                .withApiVersion(object.getApiVersion())
                .withKind(object.getKind())
                .withNamespace(meta.getNamespace() == null ? "default" : meta.getNamespace())
                .withName(requireText(meta.getName(), "metadata.name"))
                .withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion())
                .build();
    }

    /** A note the API accepts and that carries no credential: URL secrets scrubbed, at most 1 kB of UTF-8. */
    static String note(String note) {
        if (note == null) {
            return "";
        }
        String scrubbed = UrlCredentials.redact(note);
        if (scrubbed.getBytes(StandardCharsets.UTF_8).length <= MAX_NOTE_BYTES) {
            return scrubbed;
        }
        StringBuilder cut = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < scrubbed.length();) {
            int cp = scrubbed.codePointAt(i);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > MAX_NOTE_BYTES - 3) {
                break;
            }
            cut.appendCodePoint(cp);
            bytes += size;
            i += Character.charCount(cp);
        }
        return cut.append("...").toString();
    }

    private static String limit(String text) {
        return text.length() <= MAX_NAME_CHARS ? text : text.substring(0, MAX_NAME_CHARS);
    }

    private static String requireText(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " is required");
        }
        return text;
    }

    private static long epochNanos(Instant at) {
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }

    private static MicroTime microTime(Instant at) {
        return new MicroTime(MICRO_TIME.format(at));
    }

    private record Occurrence(ObjectReference regarding, ObjectReference related, String type, String reason,
            String action, String note, Instant at) {
    }

    /** What makes two occurrences the same event. */
    private record Key(String namespace, String name, String uid, String kind, String type, String reason,
            String action, String note, String relatedKind, String relatedNamespace, String relatedName) {
        Key(Occurrence o) {
            this(o.regarding.getNamespace(), o.regarding.getName(), o.regarding.getUid(), o.regarding.getKind(),
                    o.type, o.reason, o.action, o.note,
                    o.related == null ? null : o.related.getKind(),
                    o.related == null ? null : o.related.getNamespace(),
                    o.related == null ? null : o.related.getName());
        }
    }

    private static final class Series {
        final Event event;
        int count = 1;
        Instant lastObserved;
        boolean dirty;

        Series(Event event, Instant at) {
            this.event = event;
            this.lastObserved = at;
        }
    }
}
