package io.gitjob.gitrepo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The status gitjob writes on a GitRepo (design section 5): only fields of Fleet's CRD, whose status has no
 * preserve-unknown-fields, so an API server with Fleet's CRD prunes anything else. Each service writes only
 * its own fields through the status subresource. Fields gitjob does not know ({@code lastSyncedImageScanTime},
 * whatever a later Fleet adds) are kept as they were read, so a write never drops another controller's fields.
 *
 * <p>The readiness fields ({@code summary}, {@code display}, {@code readyClusters}, {@code desiredReadyClusters},
 * {@code resourceCounts}, {@code perClusterResourceCounts}, {@code resources}) are Fleet's status reconciler's:
 * computed from the GitRepo's Bundles and BundleDeployments (by Fleet, or by job-service in fleet mode). Absent
 * (null) until one of them computes them; a writer of other fields keeps them as read.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GitRepoStatus {
    private String commit;
    private Long observedGeneration;
    private Long updateGeneration;
    private String gitJobStatus;
    private String lastPollingTriggered;
    private String pollingCommit;
    private String webhookCommit;
    private String lastWebhookTime;
    private List<GitRepoCondition> conditions = new ArrayList<>();
    private BundleSummary summary;
    private GitRepoDisplay display;
    private Integer readyClusters;
    private Integer desiredReadyClusters;
    private ResourceCounts resourceCounts;
    private Map<String, ResourceCounts> perClusterResourceCounts;
    private List<GitRepoResource> resources;
    private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

    public String getCommit() {
        return commit;
    }

    public void setCommit(String commit) {
        this.commit = commit;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public Long getUpdateGeneration() {
        return updateGeneration;
    }

    public void setUpdateGeneration(Long updateGeneration) {
        this.updateGeneration = updateGeneration;
    }

    public String getGitJobStatus() {
        return gitJobStatus;
    }

    public void setGitJobStatus(String gitJobStatus) {
        this.gitJobStatus = gitJobStatus;
    }

    public String getLastPollingTriggered() {
        return lastPollingTriggered;
    }

    public void setLastPollingTriggered(String lastPollingTriggered) {
        this.lastPollingTriggered = lastPollingTriggered;
    }

    public String getPollingCommit() {
        return pollingCommit;
    }

    public void setPollingCommit(String pollingCommit) {
        this.pollingCommit = pollingCommit;
    }

    public String getWebhookCommit() {
        return webhookCommit;
    }

    public void setWebhookCommit(String webhookCommit) {
        this.webhookCommit = webhookCommit;
    }

    public String getLastWebhookTime() {
        return lastWebhookTime;
    }

    public void setLastWebhookTime(String lastWebhookTime) {
        this.lastWebhookTime = lastWebhookTime;
    }

    public List<GitRepoCondition> getConditions() {
        return conditions;
    }

    public void setConditions(List<GitRepoCondition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : conditions;
    }

    public BundleSummary getSummary() {
        return summary;
    }

    public void setSummary(BundleSummary summary) {
        this.summary = summary;
    }

    public GitRepoDisplay getDisplay() {
        return display;
    }

    public void setDisplay(GitRepoDisplay display) {
        this.display = display;
    }

    public Integer getReadyClusters() {
        return readyClusters;
    }

    public void setReadyClusters(Integer readyClusters) {
        this.readyClusters = readyClusters;
    }

    public Integer getDesiredReadyClusters() {
        return desiredReadyClusters;
    }

    public void setDesiredReadyClusters(Integer desiredReadyClusters) {
        this.desiredReadyClusters = desiredReadyClusters;
    }

    public ResourceCounts getResourceCounts() {
        return resourceCounts;
    }

    public void setResourceCounts(ResourceCounts resourceCounts) {
        this.resourceCounts = resourceCounts;
    }

    /** Keyed by cluster, {@code namespace/name}. */
    public Map<String, ResourceCounts> getPerClusterResourceCounts() {
        return perClusterResourceCounts;
    }

    public void setPerClusterResourceCounts(Map<String, ResourceCounts> perClusterResourceCounts) {
        this.perClusterResourceCounts = perClusterResourceCounts;
    }

    public List<GitRepoResource> getResources() {
        return resources;
    }

    public void setResources(List<GitRepoResource> resources) {
        this.resources = resources;
    }

    @JsonAnyGetter
    public Map<String, Object> getAdditionalProperties() {
        return additionalProperties;
    }

    @JsonAnySetter
    public void setAdditionalProperty(String name, Object value) {
        additionalProperties.put(name, value);
    }
}
