package io.gitjob.job.template;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.gitrepo.JobMode;

/**
 * The objects a GitRepo's Job needs before it can run, each owned by the GitRepo (a controller ownerReference, so
 * they go with it). Fleet mode, as Fleet v0.16.1's gitjob makes them ({@code rbac.go}, {@code targetsyaml.go},
 * {@code gitjob.go}): the ServiceAccount {@code git-<name>}, a Role of that name with what {@code fleet apply}
 * needs in the GitRepo's namespace and its RoleBinding, the targets ConfigMap, and the {@code <name>-cabundle} Secret
 * when {@code spec.caBundle} is set. Kubectl mode: the ServiceAccount, a RoleBinding of it to the ClusterRole
 * {@link JobSettings#kubectlClusterRole()} in the GitRepo's namespace only, and the CA bundle Secret. In both modes,
 * when {@code spec.repo} carries credentials, the {@code <name>-repo-url} Secret the cloner reads it from
 * ({@link CloneUrl}); once they are removed, {@code JobResourcesWriter} deletes that Secret, as it is not among
 * these.
 */
public final class JobPrerequisites {

    static final String RBAC_GROUP = "rbac.authorization.k8s.io";

    private JobPrerequisites() {
    }

    public static List<HasMetadata> of(GitRepo gitRepo, JobMode mode, JobSettings settings) {
        String name = FleetNames.serviceAccount(gitRepo);
        String namespace = gitRepo.getMetadata().getNamespace();
        List<HasMetadata> objects = new ArrayList<>();
        objects.add(JobEnvelope.owned(new ServiceAccountBuilder().withNewMetadata().withName(name)
                .withLabels(labels(gitRepo)).endMetadata().build(), gitRepo));
        if (mode == JobMode.FLEET) {
            objects.add(JobEnvelope.owned(new RoleBuilder().withNewMetadata().withName(name)
                    .withLabels(labels(gitRepo)).endMetadata().withRules(fleetRules(settings)).build(), gitRepo));
            objects.add(JobEnvelope.owned(new RoleBindingBuilder().withNewMetadata().withName(name)
                    .withLabels(labels(gitRepo)).endMetadata()
                    .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(namespace).endSubject()
                    .withNewRoleRef().withApiGroup(RBAC_GROUP).withKind("Role").withName(name).endRoleRef()
                    .build(), gitRepo));
            TargetsFile targets = TargetsFile.of(gitRepo);
            objects.add(JobEnvelope.owned(new ConfigMapBuilder().withNewMetadata()
                    .withName(targets.configMapName()).withLabels(labels(gitRepo)).endMetadata()
                    .addToBinaryData(TargetsFile.KEY, Base64.getEncoder().encodeToString(
                            targets.json().getBytes(StandardCharsets.UTF_8)))
                    .build(), gitRepo));
        } else {
            objects.add(JobEnvelope.owned(new RoleBindingBuilder().withNewMetadata().withName(name)
                    .withLabels(labels(gitRepo)).endMetadata()
                    .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(namespace).endSubject()
                    .withNewRoleRef().withApiGroup(RBAC_GROUP).withKind("ClusterRole")
                    .withName(settings.kubectlClusterRole()).endRoleRef()
                    .build(), gitRepo));
        }
        String caBundle = gitRepo.getSpec().getCaBundle();
        if (caBundle != null && !caBundle.isBlank()) {
            try {
                Base64.getDecoder().decode(caBundle.trim());
            } catch (IllegalArgumentException e) {
                throw new InvalidGitRepoException("spec.caBundle is not base64-encoded PEM: " + e.getMessage());
            }
            objects.add(JobEnvelope.owned(new SecretBuilder().withNewMetadata()
                    .withName(FleetNames.caBundleSecret(gitRepo)).withLabels(labels(gitRepo)).endMetadata()
                    .withType("Opaque")
                    .addToData(GitClone.CA_BUNDLE_KEY, caBundle.trim())
                    .build(), gitRepo));
        }
        CloneUrl.of(gitRepo).secret(gitRepo).ifPresent(secret -> {
            secret.getMetadata().setLabels(labels(gitRepo));
            objects.add(JobEnvelope.owned(secret, gitRepo));
        });
        return objects;
    }

    /** Fleet's Role of a GitRepo's Job: its Bundles (and ImageScans), its GitRepo, Secrets, Events. */
    static List<PolicyRule> fleetRules(JobSettings settings) {
        List<String> listable = settings.imagescan() ? List.of("bundles", "imagescans") : List.of("bundles");
        return List.of(
                rule(FleetConventions.GROUP, listable, "get", "create", "update", "list", "delete"),
                rule(FleetConventions.GROUP, List.of("gitrepos"), "get"),
                rule("", List.of("secrets"), "get", "create", "update", "delete"),
                rule("", List.of("events"), "create"));
    }

    private static PolicyRule rule(String group, List<String> resources, String... verbs) {
        return new PolicyRuleBuilder().withApiGroups(group).withResources(resources).withVerbs(verbs).build();
    }

    private static Map<String, String> labels(GitRepo gitRepo) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE);
        labels.put(JobConventions.GITREPO_LABEL, gitRepo.getMetadata().getName());
        return labels;
    }
}
