package io.gitjob.job.readiness;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.gitjob.gitrepo.BundleSummary.ModifiedStatus;
import io.gitjob.gitrepo.BundleSummary.NonReadyStatus;
import io.gitjob.gitrepo.GitRepoCondition;
import io.gitjob.gitrepo.ResourceCounts;

/**
 * What the readiness reads of a BundleDeployment, the fields Fleet's controller ({@code spec.deploymentID},
 * {@code spec.stagedDeploymentID}, the cluster labels) and its agent ({@code status}) set, with Fleet's rules for
 * its state ({@link #state()}, Fleet's {@code GetDeploymentState}) and message ({@link #message()}).
 */
public record BundleDeploymentView(String name, String uid, Map<String, String> labels, String deploymentId,
        String stagedDeploymentId, Status status) {

    /** Set by Fleet's controller on every BundleDeployment: the cluster it is for. */
    public static final String CLUSTER_NAMESPACE_LABEL = io.gitjob.gitrepo.FleetConventions.CLUSTER_NAMESPACE_LABEL;
    public static final String CLUSTER_LABEL = io.gitjob.gitrepo.FleetConventions.CLUSTER_LABEL;

    /** Reads Fleet's objects leniently: a field a later Fleet adds is no reason to fail. */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public BundleDeploymentView {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        status = status == null ? new Status() : status;
    }

    /** The agent's part, {@code status}, with Fleet's JSON names. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Status {
        @JsonProperty("appliedDeploymentID")
        public String appliedDeploymentId;
        public boolean ready;
        public boolean nonModified;
        public boolean incompleteState;
        public List<GitRepoCondition> conditions = List.of();
        public List<ModifiedStatus> modifiedStatus = List.of();
        public List<NonReadyStatus> nonReadyStatus = List.of();
        public List<DeployedResource> resources = List.of();
        public ResourceCounts resourceCounts = new ResourceCounts();

        void orEmpty() {
            conditions = conditions == null ? List.of() : conditions;
            modifiedStatus = modifiedStatus == null ? List.of() : modifiedStatus;
            nonReadyStatus = nonReadyStatus == null ? List.of() : nonReadyStatus;
            resources = resources == null ? List.of() : resources;
            resourceCounts = resourceCounts == null ? new ResourceCounts() : resourceCounts;
        }
    }

    /** One of {@code status.resources}: what the Helm release deployed. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeployedResource(String kind, String apiVersion, String namespace, String name) {
    }

    public static BundleDeploymentView of(GenericKubernetesResource bundleDeployment) {
        Map<String, Object> properties = bundleDeployment.getAdditionalProperties();
        Status status = properties.get("status") == null ? new Status()
                : MAPPER.convertValue(properties.get("status"), Status.class);
        status.orEmpty();
        String deploymentId = null;
        String stagedDeploymentId = null;
        if (properties.get("spec") instanceof Map<?, ?> spec) {
            deploymentId = string(spec.get("deploymentID"));
            stagedDeploymentId = string(spec.get("stagedDeploymentID"));
        }
        var metadata = bundleDeployment.getMetadata();
        return new BundleDeploymentView(metadata.getName(), metadata.getUid(), metadata.getLabels(), deploymentId,
                stagedDeploymentId, status);
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }

    /** {@code namespace/name} of the cluster, from the labels ("/" when they are missing, as Fleet has it). */
    public String clusterId() {
        return labels.getOrDefault(CLUSTER_NAMESPACE_LABEL, "") + "/" + labels.getOrDefault(CLUSTER_LABEL, "");
    }

    /** Both cluster labels set: only such a BundleDeployment counts towards a GitRepo's clusters. */
    boolean hasCluster() {
        return !labels.getOrDefault(CLUSTER_NAMESPACE_LABEL, "").isEmpty()
                && !labels.getOrDefault(CLUSTER_LABEL, "").isEmpty();
    }

    /**
     * Fleet's rule: not yet applied at the wanted deployment id (an error if {@code Deployed} is False), else not
     * ready, else a staged id not yet promoted, else modified, else ready.
     */
    public BundleState state() {
        if (!Objects.equals(blank(status.appliedDeploymentId), blank(deploymentId))) {
            return "False".equals(conditionStatus("Deployed")) ? BundleState.ERR_APPLIED : BundleState.WAIT_APPLIED;
        }
        if (!status.ready) {
            return BundleState.NOT_READY;
        }
        if (!Objects.equals(blank(deploymentId), blank(stagedDeploymentId))) {
            return BundleState.OUT_OF_SYNC;
        }
        if (!status.nonModified) {
            return BundleState.MODIFIED;
        }
        return BundleState.READY;
    }

    /**
     * Fleet's message of a BundleDeployment: its {@code Deployed} condition's, else {@code Installed}'s (only when
     * it is of the current deployment id), else {@code Monitored}'s.
     */
    public String message() {
        String message = conditionMessage("Deployed");
        if (message.isEmpty() && Objects.equals(blank(status.appliedDeploymentId), blank(deploymentId))) {
            message = conditionMessage("Installed");
        }
        if (message.isEmpty()) {
            message = conditionMessage("Monitored");
        }
        return message;
    }

    private String conditionStatus(String type) {
        return status.conditions.stream().filter(c -> type.equals(c.getType())).findFirst()
                .map(GitRepoCondition::getStatus).orElse(null);
    }

    private String conditionMessage(String type) {
        return status.conditions.stream().filter(c -> type.equals(c.getType())).findFirst()
                .map(c -> blank(c.getMessage())).orElse("");
    }

    /** Go has no null string: absent and empty are the same. */
    static String blank(String s) {
        return s == null ? "" : s;
    }
}
