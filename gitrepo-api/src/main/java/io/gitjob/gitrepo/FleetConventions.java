package io.gitjob.gitrepo;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * Names Fleet gives to the objects around a GitRepo (rancher/fleet v0.16.1), which gitjob must use as Fleet does
 * so that Fleet's other controllers, its CLI and the Rancher UI find what gitjob makes, and gitjob finds what
 * Fleet made.
 */
public final class FleetConventions {
    /** The Fleet release whose gitjob controller gitjob stands in for; its image is the fleet-mode Job's. */
    public static final String FLEET_VERSION = "v0.16.1";
    public static final String GROUP = "fleet.cattle.io";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    public static final String BUNDLE_KIND = "Bundle";
    public static final String BUNDLE_PLURAL = "bundles";
    public static final String BUNDLE_DEPLOYMENT_KIND = "BundleDeployment";
    public static final String BUNDLE_DEPLOYMENT_PLURAL = "bundledeployments";
    public static final String IMAGE_SCAN_KIND = "ImageScan";
    public static final String IMAGE_SCAN_PLURAL = "imagescans";
    /** The CRD whose presence makes {@link JobMode#FLEET} the default: Fleet is installed. */
    public static final String BUNDLE_CRD = BUNDLE_PLURAL + "." + GROUP;

    /** On Bundles (set by {@code fleet apply}), BundleDeployments and ImageScans: the GitRepo's name. */
    public static final String REPO_NAME_LABEL = "fleet.cattle.io/repo-name";
    /** On Bundles: the commit they were made from. */
    public static final String COMMIT_LABEL = "fleet.cattle.io/commit";
    /** On BundleDeployments: their Bundle's namespace and name. */
    public static final String BUNDLE_NAMESPACE_LABEL = "fleet.cattle.io/bundle-namespace";
    public static final String BUNDLE_NAME_LABEL = "fleet.cattle.io/bundle-name";
    /** On BundleDeployments: the downstream cluster they deploy to, and that cluster's namespace. */
    public static final String CLUSTER_LABEL = "fleet.cattle.io/cluster";
    public static final String CLUSTER_NAMESPACE_LABEL = "fleet.cattle.io/cluster-namespace";
    /** On a GitRepo (and its Job): the shard whose controller manages it; absent means the default shard's. */
    public static final String SHARD_REF_LABEL = "fleet.cattle.io/shard-ref";
    /** Fleet's gitjob adds it to every GitRepo and removes it once the GitRepo's Bundles are purged. */
    public static final String GITREPO_FINALIZER = "fleet.cattle.io/gitrepo-finalizer";
    /** The Git credentials Secret of a namespace, used when a GitRepo names none in spec.clientSecretName. */
    public static final String DEFAULT_GIT_CREDENTIALS_SECRET = "gitcredential";

    /**
     * Fleet's kinds for Fabric8's generic client, with their plurals spelled out: Fabric8 would otherwise ask API
     * discovery for them on every call, which a mock API server does not answer.
     */
    public static final ResourceDefinitionContext BUNDLES = context(BUNDLE_KIND, BUNDLE_PLURAL);
    public static final ResourceDefinitionContext BUNDLE_DEPLOYMENTS = context(BUNDLE_DEPLOYMENT_KIND,
            BUNDLE_DEPLOYMENT_PLURAL);
    public static final ResourceDefinitionContext IMAGE_SCANS = context(IMAGE_SCAN_KIND, IMAGE_SCAN_PLURAL);

    private FleetConventions() {
    }

    private static ResourceDefinitionContext context(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(GROUP).withVersion(VERSION).withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }
}
