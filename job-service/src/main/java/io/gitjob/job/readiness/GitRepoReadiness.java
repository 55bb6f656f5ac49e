package io.gitjob.job.readiness;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.gitjob.gitrepo.BundleSummary;
import io.gitjob.gitrepo.GitRepoCondition;
import io.gitjob.gitrepo.GitRepoDisplay;
import io.gitjob.gitrepo.GitRepoResource;
import io.gitjob.gitrepo.GitRepoStatus;
import io.gitjob.gitrepo.ResourceCounts;

/**
 * A GitRepo's readiness from its Bundles and BundleDeployments, as Fleet's GitRepo status reconciler computes it
 * (rancher/fleet v0.16.1): a pure function of (the GitRepo's status as it is, its Bundles, its BundleDeployments,
 * the time) to the readiness fields and the {@code Ready} condition.
 *
 * <ul>
 * <li>{@code summary}: BundleDeployments counted per state, {@code desiredReady} all of them, the first ten not
 * ready listed; {@code display.readyBundleDeployments} "ready/desired".</li>
 * <li>{@code display.state} and {@code message}: the highest-ranked state and its BundleDeployment's message,
 * nothing when all are ready; {@code GitUpdating} while the Job's {@code gitJobStatus} is not {@code Current}.</li>
 * <li>{@code desiredReadyClusters}: the clusters with a BundleDeployment; {@code readyClusters}: those where all
 * are ready.</li>
 * <li>{@code Ready}: True with no message when every BundleDeployment is ready, else False with
 * {@link ReadyMessage}; replaced by the first Bundle's (in uid order) {@code Ready=False} condition, which is how
 * a Bundle that cannot be rendered, and so has no BundleDeployment, shows. Its time moves only when its status
 * or message does (Wrangler's rule).</li>
 * </ul>
 */
public final class GitRepoReadiness {

    public static final String READY = "Ready";
    /** The Job's {@code gitJobStatus} once it has applied the commit. */
    static final String CURRENT = "Current";
    static final String GIT_UPDATING = "GitUpdating";

    /** The fields Fleet's status reconciler writes; {@code ready} is the GitRepo's whole new Ready condition. */
    public record Readiness(BundleSummary summary, GitRepoDisplay display, int readyClusters,
            int desiredReadyClusters, ResourceCounts resourceCounts, Map<String, ResourceCounts> perClusterResourceCounts,
            List<GitRepoResource> resources, GitRepoCondition ready) {

        /** Writes these fields on {@code status}; its other fields and conditions stay as they are. */
        public void writeTo(GitRepoStatus status) {
            status.setSummary(summary);
            status.setDisplay(display);
            status.setReadyClusters(readyClusters);
            status.setDesiredReadyClusters(desiredReadyClusters);
            status.setResourceCounts(resourceCounts);
            status.setPerClusterResourceCounts(perClusterResourceCounts.isEmpty() ? null : perClusterResourceCounts);
            status.setResources(resources.isEmpty() ? null : resources);
            List<GitRepoCondition> conditions = status.getConditions();
            for (int i = 0; i < conditions.size(); i++) {
                if (READY.equals(conditions.get(i).getType())) {
                    conditions.set(i, ready);
                    return;
                }
            }
            conditions.add(ready);
        }
    }

    private GitRepoReadiness() {
    }

    /**
     * @param current the GitRepo's status as read (its {@code gitJobStatus} and {@code Ready} condition are read)
     * @param now the time a changed condition is stamped with (RFC 3339, seconds)
     */
    public static Readiness compute(GitRepoStatus current, List<BundleView> bundles,
            List<BundleDeploymentView> bundleDeployments, String now) {
        List<BundleDeploymentView> bds = new ArrayList<>(bundleDeployments);
        bds.sort(Comparator.comparing(bd -> BundleDeploymentView.blank(bd.uid())));

        BundleSummary summary = new BundleSummary();
        BundleState maxState = null;
        String message = "";
        Map<String, Integer> perCluster = new HashMap<>();
        Map<String, Integer> readyPerCluster = new HashMap<>();
        for (BundleDeploymentView bd : bds) {
            BundleState state = bd.state();
            count(summary, bd, state);
            summary.setDesiredReady(summary.getDesiredReady() + 1);
            if (BundleState.rank(state) > BundleState.rank(maxState)) {
                maxState = state;
                message = bd.message();
            }
            if (bd.hasCluster()) {
                perCluster.merge(bd.clusterId(), 1, Integer::sum);
                if (state == BundleState.READY) {
                    readyPerCluster.merge(bd.clusterId(), 1, Integer::sum);
                }
            }
        }
        int readyClusters = (int) readyPerCluster.entrySet().stream()
                .filter(e -> e.getValue().equals(perCluster.get(e.getKey()))).count();
        if (maxState == BundleState.READY) {
            maxState = null;
            message = "";
        }

        GitRepoDisplay display = new GitRepoDisplay();
        display.setState(maxState == null ? null : maxState.fleetName());
        display.setMessage(message.isEmpty() ? null : message);
        display.setError(!message.isEmpty());
        display.setReadyBundleDeployments(summary.getReady() + "/" + summary.getDesiredReady());
        if (!CURRENT.equals(current == null ? null : current.getGitJobStatus())) {
            display.setState(GIT_UPDATING);
        }

        GitRepoCondition ready = bundleNotReady(bundles)
                .orElseGet(() -> readyCondition(current, ReadyMessage.of(summary, "Bundle"), now));

        return new Readiness(summary, display, readyClusters, perCluster.size(), ResourceStates.sum(bds),
                ResourceStates.perCluster(bds), ResourceStates.resources(bds), ready);
    }

    private static void count(BundleSummary summary, BundleDeploymentView bd, BundleState state) {
        switch (state) {
            case MODIFIED -> summary.setModified(summary.getModified() + 1);
            case PENDING -> summary.setPending(summary.getPending() + 1);
            case WAIT_APPLIED -> summary.setWaitApplied(summary.getWaitApplied() + 1);
            case ERR_APPLIED -> summary.setErrApplied(summary.getErrApplied() + 1);
            case NOT_READY -> summary.setNotReady(summary.getNotReady() + 1);
            case OUT_OF_SYNC -> summary.setOutOfSync(summary.getOutOfSync() + 1);
            case READY -> summary.setReady(summary.getReady() + 1);
        }
        String name = BundleDeploymentView.blank(bd.name());
        if (!name.isEmpty() && state != BundleState.READY && summary.getNonReadyResources().size() < 10) {
            BundleSummary.NonReadyResource resource = new BundleSummary.NonReadyResource();
            resource.setName(name);
            resource.setBundleState(state.fleetName());
            String message = bd.message();
            resource.setMessage(message.isEmpty() ? null : message);
            resource.setModifiedStatus(new ArrayList<>(bd.status().modifiedStatus));
            resource.setNonReadyStatus(new ArrayList<>(bd.status().nonReadyStatus));
            summary.getNonReadyResources().add(resource);
        }
    }

    /** The GitRepo's Ready condition updated as Wrangler updates a condition: stamped only when it changes. */
    private static GitRepoCondition readyCondition(GitRepoStatus current, String message, String now) {
        GitRepoCondition existing = current == null ? null
                : current.getConditions().stream().filter(c -> READY.equals(c.getType())).findFirst().orElse(null);
        GitRepoCondition ready = new GitRepoCondition(READY, "Unknown", null, null);
        if (existing != null) {
            ready.setStatus(existing.getStatus());
            ready.setReason(existing.getReason());
            ready.setMessage(existing.getMessage());
            ready.setLastUpdateTime(existing.getLastUpdateTime());
            ready.setLastTransitionTime(existing.getLastTransitionTime());
        }
        String status = message.isEmpty() ? "True" : "False";
        if (!status.equals(ready.getStatus())) {
            ready.setStatus(status);
            ready.setLastUpdateTime(now);
        }
        if (!message.equals(BundleDeploymentView.blank(ready.getMessage()))) {
            ready.setLastUpdateTime(now);
        }
        ready.setMessage(message.isEmpty() ? null : message);
        if (message.isEmpty()) {
            // A reason left from an error would contradict Ready=True.
            ready.setReason(null);
        }
        return ready;
    }

    /** The first Bundle (by uid) whose Ready is False: its condition, as it is, becomes the GitRepo's. */
    private static Optional<GitRepoCondition> bundleNotReady(List<BundleView> bundles) {
        return bundles.stream().sorted(Comparator.comparing(b -> BundleDeploymentView.blank(b.uid())))
                .flatMap(b -> b.conditions().stream())
                .filter(c -> READY.equals(c.getType()) && "False".equals(c.getStatus()))
                .findFirst().map(GitRepoReadiness::copy);
    }

    private static GitRepoCondition copy(GitRepoCondition c) {
        GitRepoCondition copy = new GitRepoCondition(c.getType(), c.getStatus(), c.getReason(), c.getMessage());
        copy.setLastUpdateTime(c.getLastUpdateTime());
        copy.setLastTransitionTime(c.getLastTransitionTime());
        return copy;
    }
}
