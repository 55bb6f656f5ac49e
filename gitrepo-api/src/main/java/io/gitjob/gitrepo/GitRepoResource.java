package io.gitjob.gitrepo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Fleet's {@code Resource}, one entry of a GitRepo's {@code status.resources}: a resource its Bundles deployed,
 * its state (the first not {@code Ready} over its clusters) and, per state, the clusters
 * ({@code namespace/name}) where it is in that state. Empty fields are left out, as Fleet leaves them out, but
 * {@code perClusterState} is always written.
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public class GitRepoResource {
    private String apiVersion;
    private String kind;
    private String type;
    private String id;
    private String namespace;
    private String name;
    private boolean incompleteState;
    private String state;
    private boolean error;
    private boolean transitioning;
    private String message;
    @JsonInclude(JsonInclude.Include.ALWAYS)
    private PerClusterState perClusterState = new PerClusterState();
    private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

    public String getApiVersion() {
        return apiVersion;
    }

    public void setApiVersion(String apiVersion) {
        this.apiVersion = apiVersion;
    }

    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = kind;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public boolean isIncompleteState() {
        return incompleteState;
    }

    public void setIncompleteState(boolean incompleteState) {
        this.incompleteState = incompleteState;
    }

    public String getState() {
        return state;
    }

    public void setState(String state) {
        this.state = state;
    }

    public boolean isError() {
        return error;
    }

    public void setError(boolean error) {
        this.error = error;
    }

    public boolean isTransitioning() {
        return transitioning;
    }

    public void setTransitioning(boolean transitioning) {
        this.transitioning = transitioning;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public PerClusterState getPerClusterState() {
        return perClusterState;
    }

    public void setPerClusterState(PerClusterState perClusterState) {
        this.perClusterState = perClusterState == null ? new PerClusterState() : perClusterState;
    }

    @JsonAnyGetter
    public Map<String, Object> getAdditionalProperties() {
        return additionalProperties;
    }

    @JsonAnySetter
    public void setAdditionalProperty(String name, Object value) {
        additionalProperties.put(name, value);
    }

    /** The clusters ({@code namespace/name}) where the resource is in each state; empty lists left out. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class PerClusterState {
        private List<String> ready = new ArrayList<>();
        private List<String> waitApplied = new ArrayList<>();
        private List<String> pending = new ArrayList<>();
        private List<String> modified = new ArrayList<>();
        private List<String> orphaned = new ArrayList<>();
        private List<String> missing = new ArrayList<>();
        private List<String> unknown = new ArrayList<>();
        private List<String> notReady = new ArrayList<>();

        public List<String> getReady() {
            return ready;
        }

        public void setReady(List<String> ready) {
            this.ready = orEmpty(ready);
        }

        public List<String> getWaitApplied() {
            return waitApplied;
        }

        public void setWaitApplied(List<String> waitApplied) {
            this.waitApplied = orEmpty(waitApplied);
        }

        public List<String> getPending() {
            return pending;
        }

        public void setPending(List<String> pending) {
            this.pending = orEmpty(pending);
        }

        public List<String> getModified() {
            return modified;
        }

        public void setModified(List<String> modified) {
            this.modified = orEmpty(modified);
        }

        public List<String> getOrphaned() {
            return orphaned;
        }

        public void setOrphaned(List<String> orphaned) {
            this.orphaned = orEmpty(orphaned);
        }

        public List<String> getMissing() {
            return missing;
        }

        public void setMissing(List<String> missing) {
            this.missing = orEmpty(missing);
        }

        public List<String> getUnknown() {
            return unknown;
        }

        public void setUnknown(List<String> unknown) {
            this.unknown = orEmpty(unknown);
        }

        public List<String> getNotReady() {
            return notReady;
        }

        public void setNotReady(List<String> notReady) {
            this.notReady = orEmpty(notReady);
        }

        private static List<String> orEmpty(List<String> list) {
            return list == null ? new ArrayList<>() : list;
        }
    }
}
