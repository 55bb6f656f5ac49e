package io.gitjob.metrics.exposition;

/**
 * A gauge family whose series are not Micrometer meters but values in a recorder's own map: a Micrometer gauge
 * costs about 450 bytes (its id and tags, its entries in the registry's maps and its collector's), a value in a
 * map entry one slot. {@link MeterExposition} writes it among the meters' families, in name order, as Micrometer
 * would write gauges of this name, description and tags; a family with no series is not written at all, as
 * Micrometer writes none for a name with no meter.
 */
public interface GaugeFamily {

    /** The family's name as exposed (already in Prometheus form: no convention is applied). */
    String name();

    /** Its HELP text (the meter description a Micrometer gauge would have). */
    String help();

    /** Its label names, sorted as Micrometer sorts a meter's tags (by key). */
    String[] labelNames();

    /**
     * Hands every series over: its label values (in {@link #labelNames()}' order, not to be changed) and its
     * value. Called by a scrape, without the recorder's lock: the map must allow that (a concurrent map, values
     * read whole).
     */
    void forEachSeries(Series sink);

    @FunctionalInterface
    interface Series {
        void accept(String[] labelValues, double value);
    }
}
