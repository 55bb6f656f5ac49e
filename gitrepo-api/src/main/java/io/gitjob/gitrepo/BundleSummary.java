package io.gitjob.gitrepo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Fleet's {@code BundleSummary}, a GitRepo's {@code status.summary}: how many of its BundleDeployments are in
 * each state, and the first ten that are not ready. {@code ready} and {@code desiredReady} are always written, the
 * other counts only when not zero, as Fleet writes them. The nested types are also the shapes of a
 * BundleDeployment's {@code status.modifiedStatus} and {@code status.nonReadyStatus}, which the summary copies.
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public class BundleSummary {
    private int notReady;
    private int waitApplied;
    private int errApplied;
    private int outOfSync;
    private int modified;
    @JsonInclude(JsonInclude.Include.ALWAYS)
    private int ready;
    private int pending;
    @JsonInclude(JsonInclude.Include.ALWAYS)
    private int desiredReady;
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    private List<NonReadyResource> nonReadyResources = new ArrayList<>();
    private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

    public int getNotReady() {
        return notReady;
    }

    public void setNotReady(int notReady) {
        this.notReady = notReady;
    }

    public int getWaitApplied() {
        return waitApplied;
    }

    public void setWaitApplied(int waitApplied) {
        this.waitApplied = waitApplied;
    }

    public int getErrApplied() {
        return errApplied;
    }

    public void setErrApplied(int errApplied) {
        this.errApplied = errApplied;
    }

    public int getOutOfSync() {
        return outOfSync;
    }

    public void setOutOfSync(int outOfSync) {
        this.outOfSync = outOfSync;
    }

    public int getModified() {
        return modified;
    }

    public void setModified(int modified) {
        this.modified = modified;
    }

    public int getReady() {
        return ready;
    }

    public void setReady(int ready) {
        this.ready = ready;
    }

    public int getPending() {
        return pending;
    }

    public void setPending(int pending) {
        this.pending = pending;
    }

    public int getDesiredReady() {
        return desiredReady;
    }

    public void setDesiredReady(int desiredReady) {
        this.desiredReady = desiredReady;
    }

    public List<NonReadyResource> getNonReadyResources() {
        return nonReadyResources;
    }

    public void setNonReadyResources(List<NonReadyResource> nonReadyResources) {
        this.nonReadyResources = nonReadyResources == null ? new ArrayList<>() : nonReadyResources;
    }

    @JsonAnyGetter
    public Map<String, Object> getAdditionalProperties() {
        return additionalProperties;
    }

    @JsonAnySetter
    public void setAdditionalProperty(String name, Object value) {
        additionalProperties.put(name, value);
    }

    /** A BundleDeployment that is not ready: its name, state, message and what is wrong with its resources. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class NonReadyResource {
        private String name;
        private String bundleState;
        private String message;
        private List<ModifiedStatus> modifiedStatus = new ArrayList<>();
        private List<NonReadyStatus> nonReadyStatus = new ArrayList<>();
        private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getBundleState() {
            return bundleState;
        }

        public void setBundleState(String bundleState) {
            this.bundleState = bundleState;
        }

        public String getMessage() {
            return message;
        }

        public void setMessage(String message) {
            this.message = message;
        }

        public List<ModifiedStatus> getModifiedStatus() {
            return modifiedStatus;
        }

        public void setModifiedStatus(List<ModifiedStatus> modifiedStatus) {
            this.modifiedStatus = modifiedStatus == null ? new ArrayList<>() : modifiedStatus;
        }

        public List<NonReadyStatus> getNonReadyStatus() {
            return nonReadyStatus;
        }

        public void setNonReadyStatus(List<NonReadyStatus> nonReadyStatus) {
            this.nonReadyStatus = nonReadyStatus == null ? new ArrayList<>() : nonReadyStatus;
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

    /**
     * A deployed resource that differs from what the Bundle wants: {@code missing} (to be created; with
     * {@code exist}, present but owned by another release), {@code delete} (extra), or else modified by
     * {@code patch}.
     */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    public static class ModifiedStatus {
        private String kind;
        private String apiVersion;
        private String namespace;
        private String name;
        private boolean missing;
        private boolean exist;
        private boolean delete;
        private String patch;

        public String getKind() {
            return kind;
        }

        public void setKind(String kind) {
            this.kind = kind;
        }

        public String getApiVersion() {
            return apiVersion;
        }

        public void setApiVersion(String apiVersion) {
            this.apiVersion = apiVersion;
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

        public boolean isMissing() {
            return missing;
        }

        public void setMissing(boolean missing) {
            this.missing = missing;
        }

        public boolean isExist() {
            return exist;
        }

        public void setExist(boolean exist) {
            this.exist = exist;
        }

        public boolean isDelete() {
            return delete;
        }

        public void setDelete(boolean delete) {
            this.delete = delete;
        }

        public String getPatch() {
            return patch;
        }

        public void setPatch(String patch) {
            this.patch = patch;
        }
    }

    /** A deployed resource that is not ready, with the agent's summary of it. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static class NonReadyStatus {
        private String uid;
        private String kind;
        private String apiVersion;
        private String namespace;
        private String name;
        @JsonInclude(JsonInclude.Include.ALWAYS)
        private ObjectSummary summary = new ObjectSummary();

        public String getUid() {
            return uid;
        }

        public void setUid(String uid) {
            this.uid = uid;
        }

        public String getKind() {
            return kind;
        }

        public void setKind(String kind) {
            this.kind = kind;
        }

        public String getApiVersion() {
            return apiVersion;
        }

        public void setApiVersion(String apiVersion) {
            this.apiVersion = apiVersion;
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

        public ObjectSummary getSummary() {
            return summary;
        }

        public void setSummary(ObjectSummary summary) {
            this.summary = summary == null ? new ObjectSummary() : summary;
        }
    }

    /** The agent's summary of one resource: its state ("in-progress", "updating", "error"...) and messages. */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    public static class ObjectSummary {
        private String state;
        private boolean error;
        private boolean transitioning;
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        private List<String> message = new ArrayList<>();

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

        public List<String> getMessage() {
            return message;
        }

        @JsonProperty("message")
        public void setMessage(List<String> message) {
            this.message = message == null ? new ArrayList<>() : message;
        }
    }
}
