package io.gitjob.job.template;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.job.decision.Action;

/**
 * What every Job of gitjob carries whatever its mode (design section 5): gitjob's and Fleet's labels (with the
 * GitRepo's shard-ref label copied, as Fleet does, so other shards' controllers ignore the Job), the commit and
 * generation annotations, a controller ownerReference to the GitRepo, {@code backoffLimit: 0}, {@code restartPolicy:
 * Never}, the configured deadline, tolerations, node selector and image pull secrets.
 */
final class JobEnvelope {

    private JobEnvelope() {
    }

    static Job wrap(GitRepo gitRepo, Action.CreateJob create, PodTemplateSpec pod, JobSettings settings) {
        var meta = gitRepo.getMetadata();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE);
        labels.put(JobConventions.GITREPO_LABEL, meta.getName());
        labels.put(JobConventions.GITREPO_GENERATION_LABEL, Long.toString(create.generation()));
        labels.put(JobConventions.FORCE_SYNC_GENERATION_LABEL, Long.toString(create.forceSyncGeneration()));
        String shard = meta.getLabels() == null ? null : meta.getLabels().get(FleetConventions.SHARD_REF_LABEL);
        if (shard != null) {
            labels.put(FleetConventions.SHARD_REF_LABEL, shard);
        }

        if (pod.getMetadata() == null) {
            pod.setMetadata(new ObjectMeta());
        }
        Map<String, String> podLabels = pod.getMetadata().getLabels() == null ? new HashMap<>()
                : new HashMap<>(pod.getMetadata().getLabels());
        podLabels.put(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE);
        podLabels.put(JobConventions.GITREPO_LABEL, meta.getName());
        pod.getMetadata().setLabels(podLabels);
        var spec = pod.getSpec();
        // A retried Pod would apply again a state that already failed once: Fleet's choice, kept.
        spec.setRestartPolicy("Never");
        if (!settings.tolerations().isEmpty()) {
            var tolerations = new ArrayList<>(spec.getTolerations() == null ? List.of() : spec.getTolerations());
            tolerations.addAll(settings.tolerations());
            spec.setTolerations(tolerations);
        }
        if (!settings.nodeSelector().isEmpty()) {
            Map<String, String> selector = new LinkedHashMap<>(
                    spec.getNodeSelector() == null ? Map.of() : spec.getNodeSelector());
            selector.putAll(settings.nodeSelector());
            spec.setNodeSelector(selector);
        }
        if (!settings.imagePullSecrets().isEmpty()) {
            var secrets = new ArrayList<>(
                    spec.getImagePullSecrets() == null ? List.of() : spec.getImagePullSecrets());
            settings.imagePullSecrets().forEach(name -> secrets.add(new LocalObjectReference(name)));
            spec.setImagePullSecrets(secrets);
        }

        return new JobBuilder()
                .withNewMetadata()
                .withName(create.jobName())
                .withNamespace(meta.getNamespace())
                .withLabels(labels)
                .addToAnnotations(JobConventions.COMMIT_ANNOTATION, create.commit())
                .addToAnnotations(JobConventions.GENERATION_ANNOTATION, Long.toString(create.generation()))
                .withOwnerReferences(controller(gitRepo))
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withActiveDeadlineSeconds(settings.activeDeadlineSeconds())
                .withTemplate(pod)
                .endSpec()
                .build();
    }

    /** The controller reference Fleet's controllerutil.SetControllerReference sets. */
    static OwnerReference controller(GitRepo gitRepo) {
        return new OwnerReferenceBuilder()
                .withApiVersion(GitRepo.API_VERSION)
                .withKind(GitRepo.KIND)
                .withName(gitRepo.getMetadata().getName())
                .withUid(gitRepo.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    static <T extends HasMetadata> T owned(T object, GitRepo gitRepo) {
        object.getMetadata().setNamespace(gitRepo.getMetadata().getNamespace());
        object.getMetadata().setOwnerReferences(new ArrayList<>(List.of(controller(gitRepo))));
        return object;
    }
}
