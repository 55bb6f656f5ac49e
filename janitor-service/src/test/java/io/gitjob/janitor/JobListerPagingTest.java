package io.gitjob.janitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import io.fabric8.kubernetes.api.model.batch.v1.JobListBuilder;

/** The paging loop against a fake API that pages the way the real one does (limit, continue token). */
class JobListerPagingTest {

    final List<ListOptions> asked = new ArrayList<>();

    JobList page(List<Job> all, ListOptions options) {
        asked.add(options);
        int from = options.getContinue() == null ? 0 : Integer.parseInt(options.getContinue());
        int to = (int) Math.min(all.size(), from + options.getLimit());
        return new JobListBuilder()
                .withMetadata(new ListMetaBuilder().withContinue(to < all.size() ? Integer.toString(to) : null).build())
                .withItems(all.subList(from, to)).build();
    }

    @Test
    void everyPageIsFetchedWithTheBatchSizeAndTheTokenOfThePageBefore() {
        List<Job> all = jobs(7);
        List<String> seen = new ArrayList<>();

        int calls = JobLister.eachPage(options -> page(all, options), 3, job -> seen.add(job.getMetadata().getName()));

        assertEquals(3, calls);
        assertEquals(all.stream().map(j -> j.getMetadata().getName()).toList(), seen);
        assertEquals(Arrays.asList(null, "3", "6"), asked.stream().map(ListOptions::getContinue).toList());
        asked.forEach(o -> assertEquals(3L, o.getLimit()));
    }

    @Test
    void anEmptyListingIsOneCall() {
        List<String> seen = new ArrayList<>();
        assertEquals(1, JobLister.eachPage(options -> page(List.of(), options), 500, job -> seen.add("x")));
        assertEquals(List.of(), seen);
    }

    @Test
    void anExactMultipleOfTheBatchSizeEndsOnTheLastFullPage() {
        assertEquals(2, JobLister.eachPage(options -> page(jobs(6), options), 3, job -> {
        }));
    }

    @Test
    void anEmptyContinueTokenEndsTheListingAsTheApiServerSendsIt() {
        JobList last = new JobListBuilder().withMetadata(new ListMetaBuilder().withContinue("").build())
                .withItems(jobs(2)).build();
        assertEquals(1, JobLister.eachPage(options -> last, 3, job -> {
        }));
    }

    static List<Job> jobs(int n) {
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(new JobBuilder().withNewMetadata().withNamespace("ns").withName("job-" + i).endMetadata().build());
        }
        return jobs;
    }
}
