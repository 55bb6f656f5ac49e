package io.gitjob.gitrepo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The status gitjob writes on a GitRepo (design section 5). Each service writes only its own fields, as a
 * merge patch of the status subresource, so services never overwrite each other.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GitRepoStatus {
    private String commit;
    private Long observedGeneration;
    private Long updateGeneration;
    private String gitJobStatus;
    private String lastPollingTriggered;
    private String observedEventTime;
    private List<GitRepoCondition> conditions = new ArrayList<>();
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

    public String getObservedEventTime() {
        return observedEventTime;
    }

    public void setObservedEventTime(String observedEventTime) {
        this.observedEventTime = observedEventTime;
    }

    public List<GitRepoCondition> getConditions() {
        return conditions;
    }

    public void setConditions(List<GitRepoCondition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : conditions;
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
