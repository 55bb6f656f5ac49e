package io.gitjob.job.readiness;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.gitjob.gitrepo.GitRepoCondition;

/**
 * What the readiness reads of a Bundle: its uid (Fleet goes over a GitRepo's Bundles in uid order) and its status
 * conditions, whose {@code Ready=False} (set by Fleet's bundle controller, e.g. when the manifests do not render)
 * becomes the GitRepo's.
 */
public record BundleView(String name, String uid, List<GitRepoCondition> conditions) {

    public BundleView {
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }

    public static BundleView of(GenericKubernetesResource bundle) {
        Object status = bundle.getAdditionalProperties().get("status");
        List<GitRepoCondition> conditions = List.of();
        if (status instanceof Map<?, ?> map && map.get("conditions") instanceof List<?> list) {
            conditions = list.stream().map(c -> BundleDeploymentView.MAPPER.convertValue(c, GitRepoCondition.class)).toList();
        }
        return new BundleView(bundle.getMetadata().getName(), bundle.getMetadata().getUid(), conditions);
    }
}
