package io.gitjob.bench.pipeline;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gitjob.gitrepo.JobConventions;

/**
 * Watches gitjob's Jobs as any client of the API server would, and notes when each was first seen succeeded
 * (the Job runner wrote {@code status.succeeded}) and when its deletion came through the watch
 * ({@link System#nanoTime()}, this JVM's clock), keyed {@code gitRepo@commit} like {@link EventTap}.
 */
final class JobTap implements AutoCloseable {

    final Map<String, Long> succeededSeen = new ConcurrentHashMap<>();
    final Map<String, Long> deletedSeen = new ConcurrentHashMap<>();
    private final SharedIndexInformer<Job> informer;

    JobTap(KubernetesClient client, String namespace) {
        informer = client.batch().v1().jobs().inNamespace(namespace)
                .withLabel(JobConventions.MANAGED_BY_LABEL, JobConventions.MANAGED_BY_VALUE)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Job job) {
                        seen(job);
                    }

                    @Override
                    public void onUpdate(Job old, Job job) {
                        seen(job);
                    }

                    @Override
                    public void onDelete(Job job, boolean unknownFinalState) {
                        long now = System.nanoTime();
                        key(job).ifPresent(k -> deletedSeen.putIfAbsent(k, now));
                    }
                }, 0);
    }

    private void seen(Job job) {
        long now = System.nanoTime();
        if (job.getStatus() != null && job.getStatus().getSucceeded() != null && job.getStatus().getSucceeded() > 0) {
            key(job).ifPresent(k -> succeededSeen.putIfAbsent(k, now));
        }
    }

    private static java.util.Optional<String> key(Job job) {
        Map<String, String> labels = job.getMetadata().getLabels();
        Map<String, String> annotations = job.getMetadata().getAnnotations();
        if (labels == null || annotations == null || !labels.containsKey(JobConventions.GITREPO_LABEL)
                || !annotations.containsKey(JobConventions.COMMIT_ANNOTATION)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(EventTap.key(labels.get(JobConventions.GITREPO_LABEL),
                annotations.get(JobConventions.COMMIT_ANNOTATION)));
    }

    @Override
    public void close() {
        informer.stop();
    }
}
