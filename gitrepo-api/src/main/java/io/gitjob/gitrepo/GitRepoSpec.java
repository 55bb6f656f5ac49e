package io.gitjob.gitrepo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The spec fields of a GitRepo that gitjob acts on, with Fleet's names. Fields gitjob does not know are
 * kept in {@link #getAdditionalProperties()} so that writing a GitRepo back never drops them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GitRepoSpec {
    private String repo;
    private String branch;
    private String revision;
    private List<String> paths = new ArrayList<>();
    private String targetNamespace;
    private String clientSecretName;
    private String pollingInterval;
    private Long forceSyncGeneration;
    private Boolean disablePolling;
    private Boolean paused;
    private Boolean keepResources;
    private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

    public String getRepo() {
        return repo;
    }

    public void setRepo(String repo) {
        this.repo = repo;
    }

    public String getBranch() {
        return branch;
    }

    public void setBranch(String branch) {
        this.branch = branch;
    }

    public String getRevision() {
        return revision;
    }

    public void setRevision(String revision) {
        this.revision = revision;
    }

    public List<String> getPaths() {
        return paths;
    }

    public void setPaths(List<String> paths) {
        this.paths = paths == null ? new ArrayList<>() : paths;
    }

    public String getTargetNamespace() {
        return targetNamespace;
    }

    public void setTargetNamespace(String targetNamespace) {
        this.targetNamespace = targetNamespace;
    }

    public String getClientSecretName() {
        return clientSecretName;
    }

    public void setClientSecretName(String clientSecretName) {
        this.clientSecretName = clientSecretName;
    }

    public String getPollingInterval() {
        return pollingInterval;
    }

    public void setPollingInterval(String pollingInterval) {
        this.pollingInterval = pollingInterval;
    }

    public Long getForceSyncGeneration() {
        return forceSyncGeneration;
    }

    public void setForceSyncGeneration(Long forceSyncGeneration) {
        this.forceSyncGeneration = forceSyncGeneration;
    }

    public Boolean getDisablePolling() {
        return disablePolling;
    }

    public void setDisablePolling(Boolean disablePolling) {
        this.disablePolling = disablePolling;
    }

    public Boolean getPaused() {
        return paused;
    }

    public void setPaused(Boolean paused) {
        this.paused = paused;
    }

    public Boolean getKeepResources() {
        return keepResources;
    }

    public void setKeepResources(Boolean keepResources) {
        this.keepResources = keepResources;
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
