package io.gitjob.janitor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.Shard;
import io.gitjob.gitrepo.JobConventions;

/**
 * Lists what a run decides on, page by page ({@code limit} + {@code continue}), keeping only {@link JobFacts}
 * of each page so the heap holds one page of full Jobs at a time.
 */
public final class JobLister {

    /** The Jobs a run may act on, and how many list calls it took. */
    public record Listing(List<JobFacts> jobs, int listCalls) {
    }

    private final KubernetesClient client;
    private final int batchSize;
    private final Shard shard;

    public JobLister(KubernetesClient client, int batchSize, Shard shard) {
        this.client = client;
        this.batchSize = batchSize;
        this.shard = shard;
    }

    /**
     * Jobs labelled {@code app.kubernetes.io/managed-by=gitjob}, in all namespaces; with {@code includeFleetJobs}
     * also the Jobs that carry no such label but a Fleet GitRepo owns (Fleet's own Jobs, left from before the
     * move to gitjob). The second listing asks the API server for "no such label" ({@code !key}), so no Job is
     * listed twice. Only the Jobs of the installation's shard: their GitRepo's {@code fleet.cattle.io/shard-ref}
     * label, which Fleet's Jobs and gitjob's copy, is the shard's.
     */
    public Listing managedJobs(boolean includeFleetJobs) {
        List<JobFacts> jobs = new ArrayList<>();
        var all = client.batch().v1().jobs().inAnyNamespace();
        int calls = eachPage(options -> inShard(all.withLabel(JobConventions.MANAGED_BY_LABEL,
                JobConventions.MANAGED_BY_VALUE)).list(options), batchSize, job -> jobs.add(JobFacts.of(job)));
        if (includeFleetJobs) {
            calls += eachPage(options -> inShard(all.withoutLabel(JobConventions.MANAGED_BY_LABEL)).list(options),
                    batchSize,
                    job -> {
                        JobFacts facts = JobFacts.of(job);
                        if (facts.gitRepo().isPresent()) {
                            jobs.add(facts);
                        }
                    });
        }
        return new Listing(jobs, calls);
    }

    private <T, L, R> io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable<T, L, R> inShard(
            io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable<T, L, R> jobs) {
        return shard.id().isEmpty() ? jobs.withoutLabel(FleetConventions.SHARD_REF_LABEL)
                : jobs.withLabel(FleetConventions.SHARD_REF_LABEL, shard.id());
    }

    /**
     * The uids of every GitRepo that exists now, in all namespaces and every shard (a Job of a GitRepo that
     * exists is never an orphan, whichever installation manages it), and how many list calls it took.
     */
    public record GitRepos(Set<String> uids, int listCalls) {
    }

    public GitRepos gitRepos() {
        Set<String> uids = new HashSet<>();
        int calls = eachPage(options -> client.resources(GitRepo.class).inAnyNamespace().list(options), batchSize,
                gitRepo -> uids.add(gitRepo.getMetadata().getUid()));
        return new GitRepos(uids, calls);
    }

    /**
     * Calls {@code fetch} for page after page until the API server hands back no continue token; returns the
     * number of calls.
     */
    static <T extends HasMetadata, L extends KubernetesResourceList<T>> int eachPage(Function<ListOptions, L> fetch, int batchSize,
            Consumer<T> each) {
        String token = null;
        int calls = 0;
        do {
            L page = fetch.apply(new ListOptionsBuilder().withLimit((long) batchSize).withContinue(token).build());
            calls++;
            page.getItems().forEach(each);
            token = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (token != null && !token.isEmpty());
        return calls;
    }
}
