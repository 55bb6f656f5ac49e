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
 * The spec fields of a GitRepo that gitjob acts on, with Fleet's names. Fields gitjob does not know are
 * kept in {@link #getAdditionalProperties()} so that writing a GitRepo back never drops them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GitRepoSpec {
    private String repo;
    private String branch;
    private String revision;
    /** Written only when there are some: a GitRepo written back must not gain a {@code paths: []} it lacked. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    private List<String> paths = new ArrayList<>();
    private String targetNamespace;
    private String clientSecretName;
    private String pollingInterval;
    private Long forceSyncGeneration;
    private Boolean disablePolling;
    private Boolean paused;
    private Boolean keepResources;
    private String helmSecretName;
    private String helmSecretNameForPaths;
    private String helmRepoURLRegex;
    /** PEM, base64-encoded in JSON as Fleet's {@code []byte}; kept encoded, as a Secret's data wants it. */
    private String caBundle;
    private Boolean insecureSkipTLSVerify;
    private String serviceAccount;
    private Boolean deleteNamespace;
    private CorrectDrift correctDrift;
    /** Fleet's GitTargets, kept as read: only the targets file is made from them. */
    private List<Map<String, Object>> targets;
    private String ociRegistrySecret;
    /** The Secret (in the GitRepo's namespace) whose keys verify this GitRepo's webhooks, before the global one. */
    private String webhookSecret;
    private List<BundlePath> bundles;
    private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

    public String getWebhookSecret() {
        return webhookSecret;
    }

    public void setWebhookSecret(String webhookSecret) {
        this.webhookSecret = webhookSecret;
    }

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

    public String getHelmSecretName() {
        return helmSecretName;
    }

    public void setHelmSecretName(String helmSecretName) {
        this.helmSecretName = helmSecretName;
    }

    public String getHelmSecretNameForPaths() {
        return helmSecretNameForPaths;
    }

    public void setHelmSecretNameForPaths(String helmSecretNameForPaths) {
        this.helmSecretNameForPaths = helmSecretNameForPaths;
    }

    @JsonProperty("helmRepoURLRegex")
    public String getHelmRepoURLRegex() {
        return helmRepoURLRegex;
    }

    @JsonProperty("helmRepoURLRegex")
    public void setHelmRepoURLRegex(String helmRepoURLRegex) {
        this.helmRepoURLRegex = helmRepoURLRegex;
    }

    public String getCaBundle() {
        return caBundle;
    }

    public void setCaBundle(String caBundle) {
        this.caBundle = caBundle;
    }

    @JsonProperty("insecureSkipTLSVerify")
    public Boolean getInsecureSkipTLSVerify() {
        return insecureSkipTLSVerify;
    }

    @JsonProperty("insecureSkipTLSVerify")
    public void setInsecureSkipTLSVerify(Boolean insecureSkipTLSVerify) {
        this.insecureSkipTLSVerify = insecureSkipTLSVerify;
    }

    public String getServiceAccount() {
        return serviceAccount;
    }

    public void setServiceAccount(String serviceAccount) {
        this.serviceAccount = serviceAccount;
    }

    public Boolean getDeleteNamespace() {
        return deleteNamespace;
    }

    public void setDeleteNamespace(Boolean deleteNamespace) {
        this.deleteNamespace = deleteNamespace;
    }

    public CorrectDrift getCorrectDrift() {
        return correctDrift;
    }

    public void setCorrectDrift(CorrectDrift correctDrift) {
        this.correctDrift = correctDrift;
    }

    public List<Map<String, Object>> getTargets() {
        return targets;
    }

    public void setTargets(List<Map<String, Object>> targets) {
        this.targets = targets;
    }

    public String getOciRegistrySecret() {
        return ociRegistrySecret;
    }

    public void setOciRegistrySecret(String ociRegistrySecret) {
        this.ociRegistrySecret = ociRegistrySecret;
    }

    public List<BundlePath> getBundles() {
        return bundles;
    }

    public void setBundles(List<BundlePath> bundles) {
        this.bundles = bundles;
    }

    /** Fleet's {@code correctDrift}; unknown fields kept. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class CorrectDrift {
        private Boolean enabled;
        private Boolean force;
        private Boolean keepFailHistory;
        private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public Boolean getForce() {
            return force;
        }

        public void setForce(Boolean force) {
            this.force = force;
        }

        public Boolean getKeepFailHistory() {
            return keepFailHistory;
        }

        public void setKeepFailHistory(Boolean keepFailHistory) {
            this.keepFailHistory = keepFailHistory;
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

    /** One of Fleet's {@code bundles}: a base directory and, optionally, its options file. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class BundlePath {
        private String base;
        private String options;
        private final Map<String, Object> additionalProperties = new LinkedHashMap<>();

        public String getBase() {
            return base;
        }

        public void setBase(String base) {
            this.base = base;
        }

        public String getOptions() {
            return options;
        }

        public void setOptions(String options) {
            this.options = options;
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

    @JsonAnyGetter
    public Map<String, Object> getAdditionalProperties() {
        return additionalProperties;
    }

    @JsonAnySetter
    public void setAdditionalProperty(String name, Object value) {
        additionalProperties.put(name, value);
    }
}
