package io.gitjob.gitrepo;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Fleet's {@code StatusDisplay}, a GitRepo's {@code status.display}: what {@code kubectl get gitrepo} and the
 * Rancher UI show ({@code readyBundleDeployments} "ready/desired", the worst BundleDeployment state or
 * {@code GitUpdating}, its message). Empty fields are left out, as Fleet leaves them out.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class GitRepoDisplay {
    private String readyBundleDeployments;
    private String state;
    private String message;
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private boolean error;
    private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

    public String getReadyBundleDeployments() {
        return readyBundleDeployments;
    }

    public void setReadyBundleDeployments(String readyBundleDeployments) {
        this.readyBundleDeployments = readyBundleDeployments;
    }

    public String getState() {
        return state;
    }

    public void setState(String state) {
        this.state = state;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public boolean isError() {
        return error;
    }

    public void setError(boolean error) {
        this.error = error;
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
