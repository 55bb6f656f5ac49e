package io.gitjob.janitor;

import java.util.List;

import io.fabric8.kubernetes.api.model.ListMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobListBuilder;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * Fabric8's mock API server in CRUD mode ignores {@code limit} and {@code continue}: it answers every list
 * with all items on one page. To run the janitor's paging against it, this puts a paging front before the
 * CRUD store for one run: a snapshot of the listing, served {@code pageSize} items a page with continue
 * tokens, as expectations on the exact paths the Fabric8 client asks for (query parameters in alphabetical
 * order: continue, labelSelector, limit). Each page is served once; the next run registers again.
 */
final class MockApiPaging {

    static final String JOBS = "/apis/batch/v1/jobs";
    /** The default shard's: GitRepos (and so Jobs) without {@code fleet.cattle.io/shard-ref}. */
    static final String MANAGED = "labelSelector=app.kubernetes.io%2Fmanaged-by%3Dgitjob%2C%21fleet.cattle.io%2Fshard-ref";
    static final String UNLABELLED = "labelSelector=%21app.kubernetes.io%2Fmanaged-by%2C%21fleet.cattle.io%2Fshard-ref";

    private MockApiPaging() {
    }

    /** Serves {@code jobs} in pages on the list path with {@code selector}; returns the number of pages. */
    static int serveJobsInPages(KubernetesServer server, String selector, List<Job> jobs, int pageSize) {
        int pages = Math.max(1, (jobs.size() + pageSize - 1) / pageSize);
        for (int page = 1; page <= pages; page++) {
            List<Job> items = jobs.subList((page - 1) * pageSize, Math.min(jobs.size(), page * pageSize));
            String next = page < pages ? "page-" + (page + 1) : null;
            String continuation = page == 1 ? "" : "continue=page-" + page + "&";
            server.expect().get().withPath(JOBS + "?" + continuation + selector + "&limit=" + pageSize)
                    .andReturn(200, new JobListBuilder().withMetadata(new ListMetaBuilder().withContinue(next).build())
                            .withItems(items).build())
                    .once();
        }
        return pages;
    }
}
