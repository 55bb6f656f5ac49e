package io.gitjob.job.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/** When a Pod Kubernetes keeps trying is a failure gitjob reports. */
class PodStartFailureTest {

    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final Duration TIMEOUT = Duration.ofMinutes(5);

    @Test
    void anImageThatCannotBePulledIsAFailureWithTheKubeletsReasonAndMessage() {
        Pod pod = waiting(false, "ImagePullBackOff", "Back-off pulling image \"rancher/fleet:nope\"");
        assertEquals(Optional.of("ImagePullBackOff (container fleet): Back-off pulling image \"rancher/fleet:nope\""),
                PodStartFailure.of(List.of(pod), NOW, TIMEOUT));
    }

    @Test
    void anInitContainerStuckCountsAndAMissingSecretToo() {
        assertEquals("ImagePullBackOff (container fleet)", PodStartFailure.of(List.of(waiting(true,
                "ImagePullBackOff", null)), NOW, TIMEOUT).orElseThrow());
        assertTrue(PodStartFailure.of(List.of(waiting(false, "CreateContainerConfigError",
                "secret \"git-creds\" not found")), NOW, TIMEOUT).orElseThrow().contains("git-creds"));
    }

    @Test
    void aPodBeingCreatedOrStartingIsNoFailure() {
        assertTrue(PodStartFailure.of(List.of(waiting(false, "ContainerCreating", null)), NOW, TIMEOUT).isEmpty());
        // A first pull that failed is retried by the kubelet; only its backoff says it keeps failing.
        assertTrue(PodStartFailure.of(List.of(waiting(false, "ErrImagePull", "toomanyrequests")), NOW, TIMEOUT)
                .isEmpty());
        assertTrue(PodStartFailure.of(List.of(new PodBuilder().withNewMetadata().withName("p").endMetadata()
                .build()), NOW, TIMEOUT).isEmpty());
    }

    @Test
    void anUnschedulablePodFailsOnlyOnceItWaitedLongerThanTheTimeout() {
        Pod recent = unschedulable(NOW.minus(Duration.ofMinutes(4)));
        assertTrue(PodStartFailure.of(List.of(recent), NOW, TIMEOUT).isEmpty());
        assertEquals(Optional.of(NOW.plus(Duration.ofMinutes(1))), PodStartFailure.unschedulableDeadline(
                List.of(recent), TIMEOUT));
        String reason = PodStartFailure.of(List.of(unschedulable(NOW.minus(Duration.ofMinutes(6)))), NOW, TIMEOUT)
                .orElseThrow();
        assertTrue(reason.startsWith("Unschedulable for more than 300 s: 0/3 nodes are available"), reason);
    }

    private static Pod waiting(boolean init, String reason, String message) {
        var builder = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewStatus()
                .withPhase("Pending");
        var status = new io.fabric8.kubernetes.api.model.ContainerStatusBuilder().withName("fleet").withNewState()
                .withNewWaiting().withReason(reason).withMessage(message).endWaiting().endState().build();
        return (init ? builder.withInitContainerStatuses(status) : builder.withContainerStatuses(status)).endStatus()
                .build();
    }

    private static Pod unschedulable(Instant since) {
        return new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewStatus().withPhase("Pending")
                .addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                .withMessage("0/3 nodes are available: 3 Insufficient cpu.").withLastTransitionTime(since.toString())
                .endCondition().endStatus().build();
    }
}
