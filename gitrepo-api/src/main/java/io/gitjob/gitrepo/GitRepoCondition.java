package io.gitjob.gitrepo;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A status condition (Fleet's GenericCondition): Accepted, GitPolling, Reconciling, Stalled or Ready. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GitRepoCondition {
    private String type;
    private String status;
    private String reason;
    private String message;
    private String lastUpdateTime;
    private String lastTransitionTime;

    public GitRepoCondition() {
    }

    public GitRepoCondition(String type, String status, String reason, String message) {
        this.type = type;
        this.status = status;
        this.reason = reason;
        this.message = message;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public String getLastUpdateTime() {
        return lastUpdateTime;
    }

    public void setLastUpdateTime(String lastUpdateTime) {
        this.lastUpdateTime = lastUpdateTime;
    }

    public String getLastTransitionTime() {
        return lastTransitionTime;
    }

    public void setLastTransitionTime(String lastTransitionTime) {
        this.lastTransitionTime = lastTransitionTime;
    }
}
