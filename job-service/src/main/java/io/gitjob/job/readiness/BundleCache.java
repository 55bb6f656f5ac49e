package io.gitjob.job.readiness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.gitjob.events.GitRepoKey;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.Shard;

/**
 * The readiness reconciler's read path: informers of this shard's GitRepos, of every Bundle labelled
 * {@code fleet.cattle.io/repo-name} and of every BundleDeployment so labelled (they live in the clusters'
 * namespaces), each indexed by the GitRepo it belongs to: a Bundle by its namespace and repo-name label, a
 * BundleDeployment by its {@code fleet.cattle.io/bundle-namespace} and repo-name labels (Fleet's controller
 * copies the Bundle's labels onto it). Bundles and BundleDeployments are kept reduced to the fields the readiness
 * reads: a Bundle's resources (the manifests) and a BundleDeployment's options (the Helm values) can be large.
 */
final class BundleCache {

    private static final Logger LOG = Logger.getLogger(BundleCache.class);
    private static final String BY_GITREPO = "gitrepo";

    static final ResourceDefinitionContext BUNDLES = context(FleetConventions.BUNDLE_KIND,
            FleetConventions.BUNDLE_PLURAL);
    static final ResourceDefinitionContext BUNDLE_DEPLOYMENTS = context(FleetConventions.BUNDLE_DEPLOYMENT_KIND,
            FleetConventions.BUNDLE_DEPLOYMENT_PLURAL);

    private final KubernetesClient client;
    private final Shard shard;
    private final Duration resyncPeriod;
    private final SharedIndexInformer<GitRepo> gitRepos;
    private SharedIndexInformer<GenericKubernetesResource> bundles;
    private SharedIndexInformer<GenericKubernetesResource> bundleDeployments;

    /**
     * @param gitRepos the Job reconciler's informer of this shard's GitRepos (ClusterCache's): one cache of
     *        GitRepos per job-service, not two; it is started and stopped by its owner
     */
    BundleCache(KubernetesClient client, Shard shard, Duration resyncPeriod, SharedIndexInformer<GitRepo> gitRepos) {
        this.client = client;
        this.shard = shard;
        this.resyncPeriod = resyncPeriod;
        this.gitRepos = gitRepos;
    }

    private static ResourceDefinitionContext context(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(FleetConventions.GROUP)
                .withVersion(FleetConventions.VERSION).withKind(kind).withPlural(plural).withNamespaced(true)
                .build();
    }

    /**
     * Starts the three informers without waiting for them to sync. {@code gitRepoChanged} hears every GitRepo
     * change (and resync); {@code bundleChanged} every change of a Bundle or BundleDeployment, as its GitRepo's key.
     */
    void start(Consumer<GitRepoKey> gitRepoChanged, Consumer<GitRepoKey> bundleChanged) {
        // A handler added to a running informer is handed every GitRepo it holds, as adds.
        gitRepos.addEventHandler(handler(g -> Optional.of(new GitRepoKey(g.getMetadata().getNamespace(),
                g.getMetadata().getName())), gitRepoChanged));

        bundles = client.genericKubernetesResources(BUNDLES).inAnyNamespace()
                .withLabel(FleetConventions.REPO_NAME_LABEL).runnableInformer(0);
        bundles.itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE,
                GenericKubernetesResource.class, client.getKubernetesSerialization(), "metadata.uid",
                "metadata.labels", "status.conditions"));
        bundles.addIndexers(Map.of(BY_GITREPO, b -> keyOf(b, b.getMetadata().getNamespace())));
        bundles.addEventHandler(handler(b -> first(keyOf(b, b.getMetadata().getNamespace())), bundleChanged));

        bundleDeployments = client.genericKubernetesResources(BUNDLE_DEPLOYMENTS).inAnyNamespace()
                .withLabel(FleetConventions.REPO_NAME_LABEL).runnableInformer(0);
        bundleDeployments.itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE,
                GenericKubernetesResource.class, client.getKubernetesSerialization(), "metadata.uid",
                "metadata.labels", "spec.deploymentID", "spec.stagedDeploymentID", "status"));
        bundleDeployments.addIndexers(Map.of(BY_GITREPO, bd -> keyOf(bd, label(bd,
                FleetConventions.BUNDLE_NAMESPACE_LABEL))));
        bundleDeployments.addEventHandler(handler(bd -> first(keyOf(bd, label(bd,
                FleetConventions.BUNDLE_NAMESPACE_LABEL))), bundleChanged));

        // The API server may be away at start or for minutes later: list and watch again, for ever.
        bundles.exceptionHandler((started, t) -> retry("Bundle", t));
        bundleDeployments.exceptionHandler((started, t) -> retry("BundleDeployment", t));
        bundles.start();
        bundleDeployments.start();
        LOG.infof("Informing GitRepos (%s), Bundles and BundleDeployments for readiness; resync every %s",
                shard.labelSelector(), resyncPeriod);
    }

    void stop() {
        for (SharedIndexInformer<?> informer : new SharedIndexInformer<?>[] { bundles, bundleDeployments }) {
            if (informer != null) {
                informer.stop();
            }
        }
    }

    boolean synced() {
        return gitRepos.hasSynced() && bundles.hasSynced() && bundleDeployments.hasSynced();
    }

    Optional<GitRepo> gitRepo(GitRepoKey key) {
        return Optional.ofNullable(gitRepos.getStore().getByKey(key.namespace() + "/" + key.name()));
    }

    List<GitRepoKey> gitRepoKeys() {
        List<GitRepoKey> keys = new ArrayList<>();
        gitRepos.getStore().list().forEach(g -> keys.add(new GitRepoKey(g.getMetadata().getNamespace(),
                g.getMetadata().getName())));
        return keys;
    }

    List<BundleView> bundlesOf(GitRepoKey key) {
        return bundles.getIndexer().byIndex(BY_GITREPO, key.toString()).stream().map(BundleView::of).toList();
    }

    List<BundleDeploymentView> bundleDeploymentsOf(GitRepoKey key) {
        return bundleDeployments.getIndexer().byIndex(BY_GITREPO, key.toString()).stream()
                .map(BundleDeploymentView::of).toList();
    }

    private static List<String> keyOf(HasMetadata object, String gitRepoNamespace) {
        String name = label(object, FleetConventions.REPO_NAME_LABEL);
        if (name == null || name.isEmpty() || gitRepoNamespace == null || gitRepoNamespace.isEmpty()) {
            return List.of();
        }
        return List.of(new GitRepoKey(gitRepoNamespace, name).toString());
    }

    private static Optional<GitRepoKey> first(List<String> keys) {
        return keys.stream().findFirst().map(GitRepoKey::parse);
    }

    private static String label(HasMetadata object, String label) {
        Map<String, String> labels = object.getMetadata().getLabels();
        return labels == null ? null : labels.get(label);
    }

    private static boolean retry(String kind, Throwable t) {
        LOG.warnf("The %s informer failed (%s); it lists and watches again", kind, t.toString());
        return true;
    }

    private static <T> ResourceEventHandler<T> handler(Function<T, Optional<GitRepoKey>> key,
            Consumer<GitRepoKey> changed) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                key.apply(obj).ifPresent(changed);
            }

            @Override
            public void onUpdate(T old, T obj) {
                key.apply(obj).ifPresent(changed);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                key.apply(obj).ifPresent(changed);
            }
        };
    }
}
