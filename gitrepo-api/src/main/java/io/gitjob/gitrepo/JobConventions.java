package io.gitjob.gitrepo;

import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.gitjob.events.GitRepoRef;

/**
 * Labels and annotations of the Jobs gitjob creates (design section 5): Fleet's, so existing tooling keeps
 * working, plus gitjob's own. job-service writes them; the janitor and the metrics read them.
 */
public final class JobConventions {
    /** Every Job gitjob manages carries {@code app.kubernetes.io/managed-by=gitjob}. */
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "gitjob";
    public static final String MANAGED_SELECTOR = MANAGED_BY_LABEL + "=" + MANAGED_BY_VALUE;
    /** The GitRepo's name (its namespace is the Job's). */
    public static final String GITREPO_LABEL = "gitjob.io/gitrepo";
    public static final String FORCE_SYNC_GENERATION_LABEL = "fleet.cattle.io/force-sync-generation";
    public static final String GITREPO_GENERATION_LABEL = "fleet.cattle.io/gitrepo-generation";
    public static final String COMMIT_ANNOTATION = "commit";
    public static final String GENERATION_ANNOTATION = "generation";

    private JobConventions() {
    }

    /**
     * The GitRepo a Job belongs to, from its controller ownerReference (uid) and namespace; the name comes
     * from the ownerReference too, so Fleet's Jobs, which lack gitjob's labels, are recognised as well. A Job
     * that merely references a GitRepo, without being controlled by it, belongs to none.
     */
    public static Optional<GitRepoRef> gitRepoOf(Job job) {
        return job.getMetadata().getOwnerReferences().stream()
                .filter(o -> GitRepo.KIND.equals(o.getKind()) && GitRepo.API_VERSION.equals(o.getApiVersion())
                        && Boolean.TRUE.equals(o.getController()))
                .findFirst()
                .map(o -> new GitRepoRef(job.getMetadata().getNamespace(), o.getName(), o.getUid()));
    }

    /** A long-valued label or annotation of the Job, 0 when absent or not a number. */
    public static long number(Map<String, String> values, String key) {
        String value = values == null ? null : values.get(key);
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
