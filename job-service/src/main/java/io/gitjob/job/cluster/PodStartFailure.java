package io.gitjob.job.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

/**
 * Whether a Job's Pod cannot start. Kubernetes keeps such a Job active for ever (a Pod in
 * {@code ImagePullBackOff} never fails, an unschedulable Pod waits), so without this rule the GitRepo would stay
 * {@code InProgress} and nobody would be told. The waiting reasons are the kubelet's for a container it cannot
 * create; an unschedulable Pod counts once it waited longer than the configured time, as a cluster may be
 * scaling up to make room.
 */
public final class PodStartFailure {

    /**
     * Not {@code ErrImagePull} or {@code CreateContainerError}: a first attempt fails that way on a registry hiccup,
     * and the kubelet's next attempt often works; one that keeps failing goes to {@code ImagePullBackOff} (or
     * {@code CrashLoopBackOff}-like backoff) within seconds.
     */
    static final Set<String> CANNOT_START = Set.of("ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull",
            "CreateContainerConfigError");

    private PodStartFailure() {
    }

    /**
     * The reason and message of the newest Pod that cannot start ("ImagePullBackOff: Back-off pulling image
     * ..."), or empty when every Pod started, runs or may still be scheduled.
     */
    public static Optional<String> of(List<Pod> pods, Instant now, Duration unschedulableTimeout) {
        List<Pod> newestFirst = new ArrayList<>(pods);
        newestFirst.sort((a, b) -> String.valueOf(b.getMetadata().getCreationTimestamp())
                .compareTo(String.valueOf(a.getMetadata().getCreationTimestamp())));
        for (Pod pod : newestFirst) {
            if (pod.getStatus() == null || pod.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            Optional<String> waiting = waiting(pod.getStatus().getInitContainerStatuses())
                    .or(() -> waiting(pod.getStatus().getContainerStatuses()));
            if (waiting.isPresent()) {
                return waiting;
            }
            Optional<String> unschedulable = unschedulable(pod, now, unschedulableTimeout);
            if (unschedulable.isPresent()) {
                return unschedulable;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> waiting(List<ContainerStatus> statuses) {
        if (statuses == null) {
            return Optional.empty();
        }
        for (ContainerStatus status : statuses) {
            var waiting = status.getState() == null ? null : status.getState().getWaiting();
            if (waiting != null && waiting.getReason() != null && CANNOT_START.contains(waiting.getReason())) {
                String message = waiting.getMessage() == null || waiting.getMessage().isBlank() ? ""
                        : ": " + waiting.getMessage().strip();
                return Optional.of(waiting.getReason() + " (container " + status.getName() + ")" + message);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> unschedulable(Pod pod, Instant now, Duration timeout) {
        List<PodCondition> conditions = pod.getStatus().getConditions();
        if (conditions == null) {
            return Optional.empty();
        }
        for (PodCondition condition : conditions) {
            if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus())
                    && "Unschedulable".equals(condition.getReason())) {
                Instant since = ClusterState.instant(condition.getLastTransitionTime());
                if (since != null && !since.plus(timeout).isAfter(now)) {
                    String message = condition.getMessage() == null ? "" : ": " + condition.getMessage().strip();
                    return Optional.of("Unschedulable for more than " + timeout.toSeconds() + " s" + message);
                }
            }
        }
        return Optional.empty();
    }

    /** When an unschedulable Pod of these will count as unable to start, so it can be looked at then. */
    public static Optional<Instant> unschedulableDeadline(List<Pod> pods, Duration timeout) {
        return pods.stream().filter(p -> p.getStatus() != null && p.getStatus().getConditions() != null)
                .flatMap(p -> p.getStatus().getConditions().stream())
                .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                        && "Unschedulable".equals(c.getReason()))
                .map(c -> ClusterState.instant(c.getLastTransitionTime())).filter(java.util.Objects::nonNull)
                .map(t -> t.plus(timeout)).min(Instant::compareTo);
    }
}
