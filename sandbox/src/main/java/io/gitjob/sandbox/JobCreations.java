package io.gitjob.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.gitjob.gitrepo.JobConventions;

/**
 * The API server's own record of every Job it stored as new, as an audit log would have it: a test that must
 * tell "no Job name was ever created twice" cannot rely on a watch, which misses a Job created and deleted while
 * it reconnects (after the API server was frozen, say). Kept in memory, at most {@link #MAX} entries.
 */
public final class JobCreations {

    static final int MAX = 100_000;

    /** One creation: the Job's namespace, name and uid, gitjob's labels and commit annotation, and when. */
    public record Created(String namespace, String name, String uid, String gitRepo, String commit, String generation,
            String forceSyncGeneration, String at) {
    }

    private final List<Created> created = new ArrayList<>();

    synchronized void record(GenericKubernetesResource job) {
        if (created.size() >= MAX) {
            return;
        }
        var metadata = job.getMetadata();
        Map<String, String> labels = metadata.getLabels() == null ? Map.of() : metadata.getLabels();
        Map<String, String> annotations = metadata.getAnnotations() == null ? Map.of() : metadata.getAnnotations();
        created.add(new Created(metadata.getNamespace(), metadata.getName(), metadata.getUid(),
                labels.get(JobConventions.GITREPO_LABEL), annotations.get(JobConventions.COMMIT_ANNOTATION),
                labels.get(JobConventions.GITREPO_GENERATION_LABEL),
                labels.get(JobConventions.FORCE_SYNC_GENERATION_LABEL),
                Instant.now().toString()));
    }

    synchronized List<Created> all() {
        return new ArrayList<>(created);
    }
}
