package io.gitjob.gitrepo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Fleet's {@code ResourceCounts}: how many resources are in each state, as a BundleDeployment's agent counts them
 * and as a GitRepo sums them ({@code status.resourceCounts}, and per cluster in
 * {@code status.perClusterResourceCounts}). Every count is written, zeros too, as Fleet writes them.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public class ResourceCounts {
    private int ready;
    private int desiredReady;
    private int waitApplied;
    private int modified;
    private int orphaned;
    private int missing;
    private int unknown;
    private int notReady;
    private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

    /** Adds {@code other}'s counts to these. */
    public void add(ResourceCounts other) {
        if (other == null) {
            return;
        }
        ready += other.ready;
        desiredReady += other.desiredReady;
        waitApplied += other.waitApplied;
        modified += other.modified;
        orphaned += other.orphaned;
        missing += other.missing;
        unknown += other.unknown;
        notReady += other.notReady;
    }

    public int getReady() {
        return ready;
    }

    public void setReady(int ready) {
        this.ready = ready;
    }

    public int getDesiredReady() {
        return desiredReady;
    }

    public void setDesiredReady(int desiredReady) {
        this.desiredReady = desiredReady;
    }

    public int getWaitApplied() {
        return waitApplied;
    }

    public void setWaitApplied(int waitApplied) {
        this.waitApplied = waitApplied;
    }

    public int getModified() {
        return modified;
    }

    public void setModified(int modified) {
        this.modified = modified;
    }

    public int getOrphaned() {
        return orphaned;
    }

    public void setOrphaned(int orphaned) {
        this.orphaned = orphaned;
    }

    public int getMissing() {
        return missing;
    }

    public void setMissing(int missing) {
        this.missing = missing;
    }

    public int getUnknown() {
        return unknown;
    }

    public void setUnknown(int unknown) {
        this.unknown = unknown;
    }

    public int getNotReady() {
        return notReady;
    }

    public void setNotReady(int notReady) {
        this.notReady = notReady;
    }

    @JsonAnyGetter
    public Map<String, Object> getAdditionalProperties() {
        return additionalProperties;
    }

    @JsonAnySetter
    public void setAdditionalProperty(String name, Object value) {
        additionalProperties.put(name, value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResourceCounts r && ready == r.ready && desiredReady == r.desiredReady
                && waitApplied == r.waitApplied && modified == r.modified && orphaned == r.orphaned
                && missing == r.missing && unknown == r.unknown && notReady == r.notReady
                && additionalProperties.equals(r.additionalProperties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ready, desiredReady, waitApplied, modified, orphaned, missing, unknown, notReady);
    }
}
