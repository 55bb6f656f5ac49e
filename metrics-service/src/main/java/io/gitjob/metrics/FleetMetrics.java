package io.gitjob.metrics;

import java.util.List;
import java.util.Set;

/**
 * The metrics metrics-service serves per GitRepo, labelled {@code name} and {@code namespace}: Fleet's seven
 * gitjob metrics with Fleet's names, types and buckets (design section 1), plus gitjob's own
 * {@code gitjob_failed_jobs_retained}, and Fleet's ten {@code fleet_gitrepo_*} resource and cluster gauges from
 * the GitRepo's status. Names are given as Prometheus shows them; a counter's Micrometer
 * name is its Prometheus name without {@code _total}, which Micrometer's Prometheus naming adds back.
 * docs/metrics.md is the reference for users.
 */
public final class FleetMetrics {
    private FleetMetrics() {
    }

    public static final String LABEL_NAME = "name";
    public static final String LABEL_NAMESPACE = "namespace";

    /** Counter {@code fleet_gitjobs_created_success_total}. */
    public static final String JOBS_CREATED_SUCCESS = "fleet_gitjobs_created_success";
    /** Fleet swapped this help text with the failure counter's; this is the right one. */
    public static final String JOBS_CREATED_SUCCESS_HELP = "Total number of successfully created git jobs";

    /** Counter {@code fleet_gitjobs_created_failure_total}. */
    public static final String JOBS_CREATED_FAILURE = "fleet_gitjobs_created_failure";
    public static final String JOBS_CREATED_FAILURE_HELP = "Total number of failed git job creations";

    /** Histogram of a succeeded Job's duration. */
    public static final String JOB_DURATION = "fleet_gitjob_duration_seconds";
    public static final String JOB_DURATION_HELP = "Duration to complete a Git job in seconds. Includes the time to"
            + " fetch the git repo and to create the bundle.";
    public static final double[] JOB_DURATION_BUCKETS = { 1, 2, 5, 10, 30, 60, 180, 300, 600, 1200, 1800, 3600 };

    /** Gauge of the last succeeded Job's duration; short-lived: removed a TTL after it was last set. */
    public static final String JOB_DURATION_GAUGE = "fleet_gitjob_duration_seconds_gauge";
    public static final String JOB_DURATION_GAUGE_HELP = JOB_DURATION_HELP;

    /** Counter {@code fleet_gitrepo_fetch_latest_commit_success_total}. */
    public static final String FETCH_SUCCESS = "fleet_gitrepo_fetch_latest_commit_success";
    public static final String FETCH_SUCCESS_HELP = "Total number of successful fetches of latest commit";

    /** Counter {@code fleet_gitrepo_fetch_latest_commit_failure_total}. */
    public static final String FETCH_FAILURE = "fleet_gitrepo_fetch_latest_commit_failure";
    public static final String FETCH_FAILURE_HELP =
            "Total number of failed attempts to retrieve the latest commit, for any reason";

    /** Histogram of the time a successful fetch of the latest commit took. */
    public static final String FETCH_DURATION = "fleet_gitrepo_fetch_latest_commit_duration_seconds";
    public static final String FETCH_DURATION_HELP = "Duration in seconds to fetch the latest commit";
    public static final double[] FETCH_DURATION_BUCKETS = { .1, .2, .5, 1, 2, 5, 10, 30 };

    /** gitjob's own gauge: failed Jobs of the GitRepo currently kept in the cluster. */
    public static final String FAILED_JOBS_RETAINED = "gitjob_failed_jobs_retained";
    public static final String FAILED_JOBS_RETAINED_HELP = "Number of failed git jobs of the GitRepo that are"
            + " currently kept in the cluster (failed jobs are kept for inspection); alert when it keeps growing";

    /**
     * Fleet's GitRepo resource and cluster gauges ({@code internal/metrics/gitrepo_metrics.go}), set from the
     * GitRepo's readiness status: {@code readyClusters}, {@code desiredReadyClusters} and {@code resourceCounts}.
     * Labelled {@code name}, {@code namespace}, {@code repo}, {@code branch} and {@code paths} (joined by ";").
     */
    public static final String LABEL_REPO = "repo";
    public static final String LABEL_BRANCH = "branch";
    public static final String LABEL_PATHS = "paths";

    /** One of Fleet's GitRepo status gauges: its name and help as Fleet registers it. */
    public record StatusGauge(String name, String help) {
    }

    public static final StatusGauge GITREPO_RESOURCES_DESIRED_READY = new StatusGauge(
            "fleet_gitrepo_resources_desired_ready", "The count of resources that are desired to be in a Ready state.");
    public static final StatusGauge GITREPO_RESOURCES_MISSING = new StatusGauge("fleet_gitrepo_resources_missing",
            "The count of resources that are in a Missing state.");
    public static final StatusGauge GITREPO_RESOURCES_MODIFIED = new StatusGauge("fleet_gitrepo_resources_modified",
            "The count of resources that are in a Modified state.");
    public static final StatusGauge GITREPO_RESOURCES_NOT_READY = new StatusGauge(
            "fleet_gitrepo_resources_not_ready", "The count of resources that are in a NotReady state.");
    public static final StatusGauge GITREPO_RESOURCES_ORPHANED = new StatusGauge("fleet_gitrepo_resources_orphaned",
            "The count of resources that are in an Orphaned state.");
    public static final StatusGauge GITREPO_RESOURCES_READY = new StatusGauge("fleet_gitrepo_resources_ready",
            "The count of resources that are in a Ready state.");
    public static final StatusGauge GITREPO_RESOURCES_UNKNOWN = new StatusGauge("fleet_gitrepo_resources_unknown",
            "The count of resources that are in an Unknown state.");
    public static final StatusGauge GITREPO_RESOURCES_WAIT_APPLIED = new StatusGauge(
            "fleet_gitrepo_resources_wait_applied", "The count of resources that are in a WaitApplied state.");
    public static final StatusGauge GITREPO_DESIRED_READY_CLUSTERS = new StatusGauge(
            "fleet_gitrepo_desired_ready_clusters", "The amount of clusters desired to be in a ready state.");
    public static final StatusGauge GITREPO_READY_CLUSTERS = new StatusGauge("fleet_gitrepo_ready_clusters",
            "The count of clusters in a Ready state.");

    /** The ten, in the order {@link GitRepoStatusGauges} holds their values. */
    public static final List<StatusGauge> GITREPO_STATUS_GAUGES = List.of(GITREPO_RESOURCES_DESIRED_READY,
            GITREPO_RESOURCES_MISSING, GITREPO_RESOURCES_MODIFIED, GITREPO_RESOURCES_NOT_READY,
            GITREPO_RESOURCES_ORPHANED, GITREPO_RESOURCES_READY, GITREPO_RESOURCES_UNKNOWN,
            GITREPO_RESOURCES_WAIT_APPLIED, GITREPO_DESIRED_READY_CLUSTERS, GITREPO_READY_CLUSTERS);

    /**
     * Series Micrometer's Prometheus registry adds to every histogram (a decaying maximum) that Fleet never had:
     * kept out of the scrape so the names stay Fleet's.
     */
    public static final Set<String> HIDDEN_SAMPLES = Set.of(JOB_DURATION + "_max", FETCH_DURATION + "_max");

    /** Every per-GitRepo metric's Micrometer name. */
    public static final List<String> ALL = List.of(JOBS_CREATED_SUCCESS, JOBS_CREATED_FAILURE, JOB_DURATION,
            JOB_DURATION_GAUGE, FETCH_SUCCESS, FETCH_FAILURE, FETCH_DURATION, FAILED_JOBS_RETAINED,
            GITREPO_RESOURCES_DESIRED_READY.name(), GITREPO_RESOURCES_MISSING.name(), GITREPO_RESOURCES_MODIFIED.name(),
            GITREPO_RESOURCES_NOT_READY.name(), GITREPO_RESOURCES_ORPHANED.name(), GITREPO_RESOURCES_READY.name(),
            GITREPO_RESOURCES_UNKNOWN.name(), GITREPO_RESOURCES_WAIT_APPLIED.name(),
            GITREPO_DESIRED_READY_CLUSTERS.name(), GITREPO_READY_CLUSTERS.name());
}
