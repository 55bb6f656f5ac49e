package io.gitjob.job.cluster;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;

/**
 * What job-service's Job and Pod informers keep of each object (through {@link io.gitjob.support.TrimmedItemStore}):
 * everything but the Pod template of a Job and the spec of a Pod, which nothing reads from the caches (a Job is
 * built from the GitRepo, never from another Job), and but managedFields and kubectl's last-applied copy. A failed
 * Job and its Pod are kept in the cluster for troubleshooting, so these caches hold one of each per failing
 * GitRepo for as long: about 11 KB a Job whole (docs/performance.md), most of it the template.
 * <ul>
 * <li>metadata: name, namespace, uid, resourceVersion, creationTimestamp (a Job's Pods newest first), the
 * deletionTimestamp, labels (the GitRepo's and the Job's name, the generations), annotations (commit, trace,
 * failure reported) and owner references (the controlling GitRepo);</li>
 * <li>a Job's spec: only {@code backoffLimit} ({@link io.gitjob.gitrepo.JobPhase} reads it); its status whole;</li>
 * <li>a Pod's status whole (waiting reasons, conditions, termination messages: {@link PodStartFailure} and a failed
 * Job's report read them).</li>
 * </ul>
 */
public final class JobCacheTrim {

    private JobCacheTrim() {
    }

    /** A new Job with the fields above; {@code job} is left as it is. */
    public static Job job(Job job) {
        Job kept = new Job();
        kept.setMetadata(metadata(job.getMetadata()));
        if (job.getSpec() != null) {
            JobSpec spec = new JobSpec();
            spec.setBackoffLimit(job.getSpec().getBackoffLimit());
            kept.setSpec(spec);
        }
        kept.setStatus(job.getStatus());
        return kept;
    }

    /** A new Pod with the fields above; {@code pod} is left as it is. */
    public static Pod pod(Pod pod) {
        Pod kept = new Pod();
        kept.setMetadata(metadata(pod.getMetadata()));
        kept.setStatus(pod.getStatus());
        return kept;
    }

    private static ObjectMeta metadata(ObjectMeta m) {
        ObjectMeta kept = new ObjectMeta();
        kept.setManagedFields(null);
        if (m == null) {
            return kept;
        }
        kept.setName(m.getName());
        kept.setNamespace(m.getNamespace());
        kept.setUid(m.getUid());
        kept.setResourceVersion(m.getResourceVersion());
        kept.setCreationTimestamp(m.getCreationTimestamp());
        kept.setDeletionTimestamp(m.getDeletionTimestamp());
        kept.setLabels(m.getLabels());
        kept.setAnnotations(DecisionFieldsTrim.copy(m.getAnnotations(), DecisionFieldsTrim.LAST_APPLIED));
        kept.setOwnerReferences(m.getOwnerReferences());
        return kept;
    }
}
