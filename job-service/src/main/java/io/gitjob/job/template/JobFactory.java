package io.gitjob.job.template;

import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.job.decision.Action;

/**
 * Builds the Job that applies one state of a GitRepo: the configured pod template, with the labels,
 * annotations and controller ownerReference of design section 5, so Kubernetes' garbage collector also
 * removes the Jobs of a deleted GitRepo.
 */
public final class JobFactory {

    private final PodTemplate template;

    public JobFactory(PodTemplate template) {
        this.template = template;
    }

    public Job build(GitRepo gitRepo, Action.CreateJob create) {
        var meta = gitRepo.getMetadata();
        Map<String, String> labels = new HashMap<>();
        labels.put(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE);
        labels.put(JobConventions.GITREPO_LABEL, meta.getName());
        labels.put(JobConventions.GITREPO_GENERATION_LABEL, Long.toString(create.generation()));
        labels.put(JobConventions.FORCE_SYNC_GENERATION_LABEL, Long.toString(create.forceSyncGeneration()));

        PodTemplateSpec pod = template.render(values(gitRepo, create));
        if (pod.getMetadata() == null) {
            pod.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
        }
        Map<String, String> podLabels = pod.getMetadata().getLabels() == null ? new HashMap<>()
                : new HashMap<>(pod.getMetadata().getLabels());
        podLabels.put(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE);
        podLabels.put(JobConventions.GITREPO_LABEL, meta.getName());
        pod.getMetadata().setLabels(podLabels);
        // A retried Pod would apply again a state that already failed once: Fleet's choice, kept.
        pod.getSpec().setRestartPolicy("Never");

        return new JobBuilder()
                .withNewMetadata()
                .withName(create.jobName())
                .withNamespace(meta.getNamespace())
                .withLabels(labels)
                .addToAnnotations(JobConventions.COMMIT_ANNOTATION, create.commit())
                .addToAnnotations(JobConventions.GENERATION_ANNOTATION, Long.toString(create.generation()))
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(GitRepo.API_VERSION)
                        .withKind(GitRepo.KIND)
                        .withName(meta.getName())
                        .withUid(meta.getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build())
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withTemplate(pod)
                .endSpec()
                .build();
    }

    static Map<String, String> values(GitRepo gitRepo, Action.CreateJob create) {
        GitRepoSpec spec = gitRepo.getSpec();
        Map<String, String> values = new HashMap<>();
        values.put("repo", spec.getRepo());
        values.put("commit", create.commit());
        values.put("branch", spec.getBranch());
        values.put("revision", spec.getRevision());
        values.put("paths", spec.getPaths() == null || spec.getPaths().isEmpty() ? "."
                : String.join(" ", spec.getPaths()));
        values.put("targetNamespace", spec.getTargetNamespace());
        values.put("clientSecretName", spec.getClientSecretName());
        values.put("gitRepoName", gitRepo.getMetadata().getName());
        values.put("gitRepoNamespace", gitRepo.getMetadata().getNamespace());
        values.put("jobName", create.jobName());
        return values;
    }
}
