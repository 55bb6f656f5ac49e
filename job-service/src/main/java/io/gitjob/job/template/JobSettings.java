package io.gitjob.job.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Toleration;
import io.gitjob.gitrepo.FleetConventions;

/**
 * The installation's choices for the Jobs of both modes ({@code gitjob.job.*} in application.properties, read by
 * {@code io.gitjob.job.JobTemplates}). What Fleet takes from its own Deployment (tolerations, node selector, pull
 * secrets, proxy variables) is configured here, as gitjob is not Fleet's Deployment.
 *
 * @param fleetImage the image of both containers of the fleet-mode Job
 * @param clonerImage the image whose {@code fleet gitcloner} clones in kubectl mode
 * @param kubectlImage the image whose kubectl applies in kubectl mode (its entrypoint must be kubectl)
 * @param kubectlClusterRole the ClusterRole a kubectl-mode Job's ServiceAccount is bound to in its GitRepo's namespace
 * @param tolerations added to the Job's Pod (after Fleet's two in fleet mode)
 * @param nodeSelector added to the Job's Pod (over Fleet's {@code kubernetes.io/os: linux} in fleet mode)
 * @param imagePullSecrets named in the Job's Pod; they must exist in the GitRepo's namespace
 * @param httpProxy {@code HTTP_PROXY} of both containers, "" for none (likewise the next three)
 * @param activeDeadlineSeconds the Job's {@code activeDeadlineSeconds}; null: none, as Fleet
 * @param strictHostKeyChecks Fleet's default: the SSH host key must be in known_hosts
 * @param knownHostsConfigMap {@code namespace/name} of a ConfigMap with a {@code known_hosts} key used when the
 *        credentials Secret has none (Fleet's {@code cattle-fleet-system/known-hosts})
 * @param ociStorage Fleet's {@code OCI_STORAGE} (true unless set false): passes {@code --oci-registry-secret}
 * @param imagescan Fleet's {@code imagescan.enabled}: {@code --imagescan-enabled} and the Role's imagescans
 * @param debug {@code fleet apply --debug --debug-level 9}
 * @param applyConflictRetries {@code FLEET_APPLY_CONFLICT_RETRIES}, Fleet's default 1
 * @param bundleCreationMaxConcurrency {@code FLEET_BUNDLE_CREATION_MAX_CONCURRENCY}, Fleet's default 4
 */
public record JobSettings(String fleetImage, String clonerImage, String kubectlImage, String kubectlClusterRole,
        List<Toleration> tolerations, Map<String, String> nodeSelector, List<String> imagePullSecrets,
        String httpProxy, String httpsProxy, String noProxy, String proxyCaBundle, Long activeDeadlineSeconds,
        boolean strictHostKeyChecks, String knownHostsConfigMap, boolean ociStorage, boolean imagescan,
        boolean debug, int applyConflictRetries, int bundleCreationMaxConcurrency) {

    public static final String FLEET_IMAGE = "rancher/fleet:" + FleetConventions.FLEET_VERSION;
    public static final String KUBECTL_IMAGE = "registry.k8s.io/kubectl:v1.34.3";

    public JobSettings {
        tolerations = List.copyOf(tolerations);
        nodeSelector = Map.copyOf(nodeSelector);
        imagePullSecrets = List.copyOf(imagePullSecrets);
    }

    /** The defaults of application.properties. */
    public static JobSettings defaults() {
        return new JobSettings(FLEET_IMAGE, FLEET_IMAGE, KUBECTL_IMAGE, "gitjob-apply", List.of(), Map.of(),
                List.of(), "", "", "", "", null, true, "cattle-fleet-system/known-hosts", true, false, false, 1, 4);
    }

    /** Fleet's proxy variables, in Fleet's order, those set only. */
    public List<EnvVar> proxyEnv() {
        List<EnvVar> env = new ArrayList<>();
        add(env, "HTTP_PROXY", httpProxy);
        add(env, "HTTPS_PROXY", httpsProxy);
        add(env, "NO_PROXY", noProxy);
        add(env, "PROXY_CA_BUNDLE", proxyCaBundle);
        return env;
    }

    private static void add(List<EnvVar> env, String name, String value) {
        if (value != null && !value.isEmpty()) {
            env.add(new EnvVar(name, value, null));
        }
    }
}
