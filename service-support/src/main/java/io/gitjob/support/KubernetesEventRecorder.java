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
import io.fabric8.kubernetes.api.model.events.v1.EventSeries;
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
            writer.execute(() -> series.forEach((key, s) -> {
                if (s.dirty) {
                    writeSeries(key, s);
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
        long at = epochNanos(o.at);
        long idle = settings.seriesIdle().toNanos();
        Series known = series.get(key);
        if (known != null && at - known.lastObserved <= idle) {
            known.count++;
            known.lastObserved = at;
            known.dirty = true;
            if (known.count == 2) {
                writeSeries(key, known);
            }
            return;
        }
        if (known != null && known.dirty) {
            writeSeries(key, known);
        }
        Series started = new Series(o, at);
        Event event = event(key, started, null);
        try {
            client.events().v1().events().inNamespace(key.namespace).resource(event).create();
        } catch (RuntimeException e) {
            LOG.warnf("Event %s on %s/%s not recorded (events are best effort): %s", key.reason, key.namespace,
                    key.name, Transient.describe(e));
            return;
        }
        series.put(key, started);
        while (series.size() > settings.maxSeries()) {
            Iterator<Map.Entry<Key, Series>> eldest = series.entrySet().iterator();
            Map.Entry<Key, Series> evicted = eldest.next();
            eldest.remove();
            if (evicted.getValue().dirty) {
                writeSeries(evicted.getKey(), evicted.getValue());
            }
        }
    }

    /**
     * The Event of a series as it was first created, with {@code counted} when it is made again: built from what
     * the recorder remembers, so the one it made and the one it makes again after a 404 are the same.
     */
    private Event event(Key key, Series s, EventSeries counted) {
        return new EventBuilder()
                .withNewMetadata()
                .withNamespace(key.namespace)
                .withName(s.eventName(key))
                .endMetadata()
                .withRegarding(new ObjectReferenceBuilder()
                        .withApiVersion(s.regardingApiVersion)
                        .withKind(key.kind)
                        .withNamespace(key.namespace)
                        .withName(key.name)
                        .withUid(key.uid)
                        .withResourceVersion(s.regardingResourceVersion)
                        .build())
                .withRelated(key.relatedName == null ? null : new ObjectReferenceBuilder()
                        .withApiVersion(s.relatedApiVersion)
                        .withKind(key.relatedKind)
                        .withNamespace(key.relatedNamespace)
                        .withName(key.relatedName)
                        .withUid(s.relatedUid)
                        .withResourceVersion(s.relatedResourceVersion)
                        .build())
                .withType(key.type)
                .withReason(key.reason)
                .withAction(key.action)
                .withNote(key.note)
                .withReportingController(reportingController)
                .withReportingInstance(reportingInstance)
                .withEventTime(microTime(s.first))
                .withSeries(counted)
                .build();
    }

    private void writeDueSeries() {
        long now = epochNanos(clock.instant());
        long idle = settings.seriesIdle().toNanos();
        for (Iterator<Map.Entry<Key, Series>> it = series.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Key, Series> entry = it.next();
            Series s = entry.getValue();
            if (s.dirty) {
                writeSeries(entry.getKey(), s);
            }
            if (now - s.lastObserved > idle) {
                it.remove();
            }
        }
    }

    private void writeSeries(Key key, Series s) {
        s.dirty = false;
        String patch = "{\"series\":{\"count\":" + s.count + ",\"lastObservedTime\":\""
                + MICRO_TIME.format(instant(s.lastObserved)) + "\"}}";
        // An item that names the Event, not withName(name): without an item Fabric8 GETs the object before a
        // patch, a read per series write that the merge patch does not need
        Event named = new EventBuilder().withNewMetadata().withNamespace(key.namespace).withName(s.eventName(key))
                .endMetadata().build();
        try {
            client.events().v1().events().inNamespace(key.namespace).resource(named)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                recreate(key, s);
                return;
            }
            LOG.warnf("Count of event %s on %s/%s not updated (events are best effort): %s", key.reason,
                    key.namespace, key.name, Transient.describe(e));
        } catch (RuntimeException e) {
            LOG.warnf("Count of event %s on %s/%s not updated (events are best effort): %s", key.reason,
                    key.namespace, key.name, Transient.describe(e));
        }
    }

    /** The Event went (its TTL, an admin): the series goes on in a new object, as client-go does. */
    private void recreate(Key key, Series s) {
        Event again = event(key, s, new EventSeriesBuilder().withCount(s.count)
                .withLastObservedTime(microTime(s.lastObserved)).build());
        try {
            client.events().v1().events().inNamespace(key.namespace).resource(again).create();
        } catch (RuntimeException e) {
            LOG.warnf("Event %s on %s/%s not recorded again (events are best effort): %s", key.reason,
                    key.namespace, key.name, Transient.describe(e));
        }
    }

    private static ObjectReference reference(HasMetadata object) {
        var meta = Objects.requireNonNull(object.getMetadata(), "metadata");
        return new ObjectReferenceBuilder()
                // Few kinds and API versions, remembered with every series: one copy of each
                .withApiVersion(intern(object.getApiVersion()))
                .withKind(intern(object.getKind()))
                .withNamespace(meta.getNamespace() == null ? "default" : meta.getNamespace())
                .withName(requireText(meta.getName(), "metadata.name"))
                .withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion())
                .build();
    }

    private static String intern(String text) {
        return text == null ? null : text.intern();
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

    private static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(0, epochNanos);
    }

    private static MicroTime microTime(long epochNanos) {
        return new MicroTime(MICRO_TIME.format(instant(epochNanos)));
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

    /**
     * What is remembered of an Event after it was created, besides its {@link Key}: no Event object (its metadata,
     * references and maps are most of a remembered series, and thousands are remembered at once), only what a
     * count's patch and an Event made again after a 404 need. Times are epoch nanoseconds.
     */
    private static final class Series {
        /** The first occurrence: the Event's eventTime, and in hexadecimal the end of its name. */
        final long first;
        long lastObserved;
        int count = 1;
        boolean dirty;
        /** The parts of the two references the Key leaves out (a status write does not make another event). */
        final String regardingApiVersion;
        final String regardingResourceVersion;
        final String relatedApiVersion;
        final String relatedUid;
        final String relatedResourceVersion;

        Series(Occurrence o, long at) {
            this.first = at;
            this.lastObserved = at;
            this.regardingApiVersion = o.regarding.getApiVersion();
            this.regardingResourceVersion = o.regarding.getResourceVersion();
            this.relatedApiVersion = o.related == null ? null : o.related.getApiVersion();
            this.relatedUid = o.related == null ? null : o.related.getUid();
            this.relatedResourceVersion = o.related == null ? null : o.related.getResourceVersion();
        }

        /** client-go's naming: unique per occurrence, sorted by time, found from the object's name. */
        String eventName(Key key) {
            return key.name + "." + Long.toHexString(first);
        }
    }
}
