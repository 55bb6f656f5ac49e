package io.gitjob.job.template;

import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * A Job to create and what must exist before it (its ServiceAccount, RBAC, ConfigMap, Secret), to be ensured first
 * with {@code io.gitjob.job.cluster.JobResourcesWriter}.
 */
public record JobPlan(Job job, List<HasMetadata> prerequisites) {
    public JobPlan {
        prerequisites = List.copyOf(prerequisites);
    }
}
