package io.gitjob.metrics;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;

/**
 * What metrics-service's Job informer keeps of each Job (through {@link io.gitjob.support.TrimmedItemStore}): only
 * what {@link FailedJobsLevel} counts from. The GitRepo that controls it (its owner references), the
 * phase ({@link io.gitjob.gitrepo.JobPhase}: the succeeded, failed and active counts, the completion time, each
 * condition's type and status, the backoff limit), and the name, namespace, uid and resourceVersion the informer
 * keys and compares by. A failed Job is kept in the cluster for troubleshooting, so this cache holds one per
 * failing GitRepo for as long as it is kept; whole, most of it would be its Pod template, which nothing here reads.
 */
public final class FailedJobFieldsTrim {

    private FailedJobFieldsTrim() {
    }

    /** A new Job with only the fields above; {@code job} is left as it is. */
    public static Job trim(Job job) {
        Job kept = new Job();
        ObjectMeta meta = GaugeFieldsTrim.identity(job.getMetadata());
        if (job.getMetadata() != null) {
            // Usually one, the controlling GitRepo's; which one controls is JobConventions.gitRepoOf's to tell.
            meta.setOwnerReferences(job.getMetadata().getOwnerReferences());
        }
        kept.setMetadata(meta);
        if (job.getSpec() != null) {
            JobSpec spec = new JobSpec();
            spec.setBackoffLimit(job.getSpec().getBackoffLimit());
            kept.setSpec(spec);
        }
        JobStatus s = job.getStatus();
        if (s != null) {
            JobStatus status = new JobStatus();
            status.setSucceeded(s.getSucceeded());
            status.setFailed(s.getFailed());
            status.setActive(s.getActive());
            status.setCompletionTime(s.getCompletionTime());
            if (s.getConditions() != null) {
                List<JobCondition> conditions = new ArrayList<>(s.getConditions().size());
                for (JobCondition c : s.getConditions()) {
                    JobCondition condition = new JobCondition();
                    condition.setType(c.getType());
                    condition.setStatus(c.getStatus());
                    conditions.add(condition);
                }
                status.setConditions(conditions);
            }
            kept.setStatus(status);
        }
        return kept;
    }
}
