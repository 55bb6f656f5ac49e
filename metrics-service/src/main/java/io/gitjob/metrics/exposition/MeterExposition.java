package io.gitjob.metrics.exposition;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Predicate;
import io.prometheus.client.exporter.common.TextFormat;

/**
 * Writes the Prometheus exposition of a {@link PrometheusMeterRegistry} straight from its meters, without the
 * {@code MetricFamilySamples.Sample} objects (each with two label lists) that Micrometer's collectors build for
 * every sample of every scrape: at 10,000 GitRepos those are about 107 MiB for a 30 MiB text. Lines are
 * formatted exactly as simpleclient 0.16's {@link TextFormat} formats Micrometer 1.16's samples ({@link
 * PrometheusText}); counters, gauges and timers without percentiles are written here, every other family (the
 * JVM, process and HTTP binders' time gauges, summaries, function meters) is left to the collector registry and
 * written by {@link TextFormat} after them.
 *
 * <p>Order: the families written here come in name order, and within a family the series in the order of their
 * tag values. Micrometer's order is two hash orders (simpleclient's HashMap of collectors, whose keys have
 * identity hash codes, and each collector's ConcurrentHashMap of children), which changes from one process to
 * the next and cannot be reproduced without reflection on private fields; Prometheus reads either, and a stable
 * order makes two scrapes comparable with diff.
 *
 * <p>Gauge families kept outside the registry ({@link GaugeFamily}: Fleet's per-GitRepo status levels) are written
 * among the meters' families, in the same name order and the same format; a meter of the same name is left out.
 *
 * <p>HELP: Micrometer takes a family's description from the first meter registered under its name; the registry
 * does not say which that was, so this takes any meter's. The same as long as the meters of one name share their
 * description, as every meter gitjob registers does (one builder per name).
 */
public final class MeterExposition {

    private final PrometheusMeterRegistry registry;
    private final CollectorRegistry collectors;
    private final Set<String> hiddenSamples;
    private final boolean descriptions;
    private final List<GaugeFamily> kept;

    /**
     * {@code config}: the registry's own (its HELP texts depend on it); {@code hiddenSamples}: sample names left
     * out, as {@code FleetCollectorRegistry} leaves them out.
     */
    public MeterExposition(PrometheusMeterRegistry registry, PrometheusConfig config, Set<String> hiddenSamples) {
        this(registry, config, hiddenSamples, List.of());
    }

    /** @param kept gauge families kept outside the registry, written with the meters' families */
    public MeterExposition(PrometheusMeterRegistry registry, PrometheusConfig config, Set<String> hiddenSamples,
            List<? extends GaugeFamily> kept) {
        this.registry = registry;
        this.descriptions = config.descriptions();
        this.collectors = registry.getPrometheusRegistry();
        this.hiddenSamples = Set.copyOf(hiddenSamples);
        this.kept = List.copyOf(kept);
    }

    /** Writes the whole exposition in {@code contentType} (one of {@link TextFormat}'s two). */
    public void write(Writer out, String contentType) throws IOException {
        boolean openMetrics = TextFormat.CONTENT_TYPE_OPENMETRICS_100.equals(contentType);
        if (!openMetrics && !TextFormat.CONTENT_TYPE_004.equals(contentType)) {
            throw new IllegalArgumentException("Unknown contentType " + contentType);
        }
        NamingConvention convention = registry.config().namingConvention();
        Map<String, List<Meter>> families = new TreeMap<>();
        Map<String, GaugeFamily> keptByName = new TreeMap<>();
        kept.forEach(family -> keptByName.put(family.name(), family));
        Set<String> leftToCollectors = new HashSet<>();
        // The convention name is the same for every meter of one name, type and unit: computed once per name
        // (PrometheusNamingConvention builds and sanitizes a new String each time: one per meter otherwise).
        Map<String, ConventionName> names = new HashMap<>();
        for (Meter meter : registry.getMeters()) {
            Meter.Id id = meter.getId();
            ConventionName known = names.get(id.getName());
            if (known == null || known.type != id.getType() || !Objects.equals(known.baseUnit, id.getBaseUnit())) {
                known = new ConventionName(id.getType(), id.getBaseUnit(), id.getConventionName(convention));
                names.put(id.getName(), known);
            }
            String name = known.name;
            if (leftToCollectors.contains(name) || keptByName.containsKey(name)) {
                continue;
            }
            List<Meter> family = families.get(name);
            if (family == null) {
                if (!writtenHere(meter)) {
                    leftToCollectors.add(name);
                    continue;
                }
                family = new ArrayList<>();
                families.put(name, family);
            } else if (!sameKind(family.get(0), meter)) {
                leftToCollectors.add(name);
                families.remove(name);
                continue;
            }
            family.add(meter);
        }
        PrometheusText text = new PrometheusText(out, openMetrics);
        FamilyWriter writer = new FamilyWriter(text, convention, descriptions, hiddenSamples);
        Set<String> writtenSampleNames = new HashSet<>();
        java.util.Iterator<Map.Entry<String, GaugeFamily>> keptInOrder = keptByName.entrySet().iterator();
        Map.Entry<String, GaugeFamily> nextKept = keptInOrder.hasNext() ? keptInOrder.next() : null;
        for (Map.Entry<String, List<Meter>> family : families.entrySet()) {
            while (nextKept != null && nextKept.getKey().compareTo(family.getKey()) < 0) {
                writer.write(nextKept.getValue());
                nextKept = keptInOrder.hasNext() ? keptInOrder.next() : null;
            }
            writer.write(family.getKey(), family.getValue());
            writtenSampleNames.addAll(FamilyWriter.sampleNames(family.getKey()));
        }
        while (nextKept != null) {
            writer.write(nextKept.getValue());
            nextKept = keptInOrder.hasNext() ? keptInOrder.next() : null;
        }
        writtenSampleNames.addAll(keptByName.keySet());
        Predicate<String> rest = name -> !writtenSampleNames.contains(name) && !hiddenSamples.contains(name);
        if (openMetrics) {
            TextFormat.writeOpenMetrics100(out, collectors.filteredMetricFamilySamples(rest)); // ends with # EOF
        } else {
            TextFormat.write004(out, collectors.filteredMetricFamilySamples(rest));
        }
    }

    private record ConventionName(Meter.Type type, String baseUnit, String name) {
    }

    /** The meters of one family are all of the first one's kind, else the family is left to Micrometer. */
    private static boolean sameKind(Meter first, Meter other) {
        return first instanceof Counter ? other instanceof Counter
                : first instanceof Timer ? other instanceof Timer
                : other instanceof Gauge && !(other instanceof TimeGauge);
    }

    /**
     * Whether a family, judged by its first meter, is written here: plain values read without Micrometer's
     * collector (see {@link FamilyWriter}).
     */
    private static boolean writtenHere(Meter meter) {
        if (meter instanceof Counter) {
            return true;
        }
        if (meter instanceof Gauge) {
            return !(meter instanceof TimeGauge); // a time gauge is scaled to seconds: left to Micrometer
        }
        if (meter instanceof Timer timer) {
            // Percentiles (quantile samples) are left to Micrometer; Fleet's timers have buckets only.
            return timer.takeSnapshot().percentileValues().length == 0;
        }
        return false;
    }

    /** One family's lines, as Micrometer's collector and simpleclient's TextFormat write them. */
    static final class FamilyWriter {
        private final PrometheusText text;
        private final NamingConvention convention;
        private final boolean descriptions;
        private final Set<String> hidden;

        FamilyWriter(PrometheusText text, NamingConvention convention, boolean descriptions, Set<String> hidden) {
            this.text = text;
            this.convention = convention;
            this.descriptions = descriptions;
            this.hidden = hidden;
        }

        /** Every sample name Micrometer's collector of this family registers, so the registry leaves it out. */
        static List<String> sampleNames(String name) {
            String base = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
            return List.of(name, base, base + "_total", base + "_created", name + "_count", name + "_sum",
                    name + "_bucket", name + "_created", name + "_max");
        }

        void write(String name, List<Meter> meters) throws IOException {
            Meter first = meters.get(0);
            String help = help(first);
            String[] keys = tagKeys(first);
            // Each meter's tag values read once (Id.getTags() copies the list on every call), then sorted.
            Series[] series = new Series[meters.size()];
            for (int i = 0; i < series.length; i++) {
                series[i] = new Series(meters.get(i), tagValues(meters.get(i), keys.length));
            }
            Arrays.sort(series, FamilyWriter::byTagValues);
            if (first instanceof Timer) {
                writeTimers(name, help, keys, series);
                return;
            }
            boolean counter = first instanceof Counter;
            if (hidden.contains(name)) {
                return;
            }
            if (counter) {
                // simpleclient names a counter family without _total and puts it back on 0.0.4's HELP and TYPE.
                String base = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
                text.header(base, text.openMetrics() ? base : base + "_total", "counter", help);
            } else {
                text.header(name, name, "gauge", help);
            }
            for (Series s : series) {
                double value = counter ? ((Counter) s.meter).count() : ((Gauge) s.meter).value();
                text.sample(name, keys, s.values, null, null, value);
            }
        }

        /** A meter and its label values in the family's key order. */
        private record Series(Meter meter, String[] values) {
        }

        /** A kept gauge family: as a family of Micrometer gauges with these tags would be written. */
        void write(GaugeFamily family) throws IOException {
            String name = family.name();
            if (hidden.contains(name)) {
                return;
            }
            List<Kept> rows = new ArrayList<>();
            family.forEachSeries((values, value) -> rows.add(new Kept(values, value)));
            if (rows.isEmpty()) {
                return; // no meter, no family: HELP and TYPE only come with a series
            }
            rows.sort((a, b) -> compareValues(a.values, b.values));
            String[] names = family.labelNames();
            String[] keys = new String[names.length];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = convention.tagKey(names[i]);
            }
            text.header(name, name, "gauge", descriptions ? family.help() : " ");
            for (Kept row : rows) {
                text.sample(name, keys, row.values, null, null, row.value);
            }
        }

        private record Kept(String[] values, double value) {
        }

        private void writeTimers(String name, String help, String[] keys, Series[] series) throws IOException {
            boolean histogram = false;
            HistogramSnapshot[] snapshots = new HistogramSnapshot[series.length];
            for (int i = 0; i < snapshots.length; i++) {
                // One snapshot per timer and scrape, as Micrometer takes: its _max family reads the same one.
                snapshots[i] = ((Timer) series[i].meter).takeSnapshot();
                histogram |= snapshots[i].histogramCounts().length > 0;
            }
            String bucket = name + "_bucket";
            // The timers of one family share their bucket bounds: each bound's text is made once per scrape.
            double[] bounds = new double[0];
            String[] boundTexts = new String[0];
            String count = name + "_count";
            String sum = name + "_sum";
            text.header(name, name, histogram ? "histogram" : "summary", help);
            for (int i = 0; i < snapshots.length; i++) {
                HistogramSnapshot snapshot = snapshots[i];
                String[] values = series[i].values;
                double total = snapshot.count();
                CountAtBucket[] buckets = snapshot.histogramCounts();
                if (buckets.length > 0) {
                    if (bounds.length < buckets.length) {
                        bounds = Arrays.copyOf(bounds, buckets.length);
                        boundTexts = Arrays.copyOf(boundTexts, buckets.length);
                    }
                    for (int b = 0; b < buckets.length; b++) {
                        double bound = buckets[b].bucket(TimeUnit.SECONDS);
                        if (boundTexts[b] == null || Double.compare(bounds[b], bound) != 0) {
                            bounds[b] = bound;
                            boundTexts[b] = PrometheusText.goString(bound);
                        }
                        if (!hidden.contains(bucket)) {
                            text.sample(bucket, keys, values, "le", boundTexts[b], buckets[b].count());
                        }
                    }
                    if (!hidden.contains(bucket)) {
                        text.sample(bucket, keys, values, "le", "+Inf", total);
                    }
                }
                if (!hidden.contains(count)) {
                    text.sample(count, keys, values, null, null, total);
                }
                if (!hidden.contains(sum)) {
                    text.sample(sum, keys, values, null, null, snapshot.total(TimeUnit.SECONDS));
                }
            }
            String max = name + "_max";
            if (hidden.contains(max)) {
                return; // FleetCollectorRegistry leaves a family with no sample out, HELP and TYPE included
            }
            text.header(max, max, "gauge", help);
            for (int i = 0; i < snapshots.length; i++) {
                text.sample(max, keys, series[i].values, null, null, snapshots[i].max(TimeUnit.SECONDS));
            }
        }

        private String help(Meter meter) {
            String description = meter.getId().getDescription();
            return descriptions && description != null ? description : " ";
        }

        private String[] tagKeys(Meter meter) {
            List<Tag> tags = meter.getId().getTags();
            String[] keys = new String[tags.size()];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = convention.tagKey(tags.get(i).getKey());
            }
            return keys;
        }

        private String[] tagValues(Meter meter, int count) {
            String[] values = new String[count];
            int i = 0;
            for (Tag tag : meter.getId().getTagsAsIterable()) {
                values[i++] = convention.tagValue(tag.getValue());
            }
            return values;
        }

        private static int byTagValues(Series a, Series b) {
            return compareValues(a.values, b.values);
        }

        private static int compareValues(String[] a, String[] b) {
            for (int i = 0, n = Math.min(a.length, b.length); i < n; i++) {
                int c = a[i].compareTo(b[i]);
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(a.length, b.length);
        }
    }
}
