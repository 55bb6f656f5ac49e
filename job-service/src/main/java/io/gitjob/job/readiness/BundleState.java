package io.gitjob.job.readiness;

/**
 * Fleet's {@code BundleState}s of a BundleDeployment, ranked as Fleet ranks them ({@code StateRank}): the
 * highest-ranked state of a GitRepo's BundleDeployments is the one its {@code status.display} shows.
 */
public enum BundleState {
    READY("Ready", 1),
    NOT_READY("NotReady", 2),
    PENDING("Pending", 3),
    OUT_OF_SYNC("OutOfSync", 4),
    MODIFIED("Modified", 5),
    WAIT_APPLIED("WaitApplied", 6),
    ERR_APPLIED("ErrApplied", 7);

    private final String fleetName;
    private final int rank;

    BundleState(String fleetName, int rank) {
        this.fleetName = fleetName;
        this.rank = rank;
    }

    /** The name as Fleet writes it in a status. */
    public String fleetName() {
        return fleetName;
    }

    /** 0 for no state at all. */
    static int rank(BundleState state) {
        return state == null ? 0 : state.rank;
    }
}
