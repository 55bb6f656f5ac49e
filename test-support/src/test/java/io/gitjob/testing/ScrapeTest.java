package io.gitjob.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScrapeTest {

    private static final String TEXT = """
            # HELP fleet_gitjobs_created_success_total Number of Jobs created
            # TYPE fleet_gitjobs_created_success_total counter
            fleet_gitjobs_created_success_total{name="simple",namespace="fleet-local",} 2.0
            fleet_gitjobs_created_success_total{name="other",namespace="fleet-local"} 3.0
            fleet_gitjob_duration_seconds_bucket{le="+Inf",name="simple",namespace="fleet-local",} 1.0
            """;

    @Test
    void readsBothTextFormatsWithAndWithoutTheTrailingComma() {
        assertEquals(2.0, Scrape.valueIn(TEXT, "fleet_gitjobs_created_success_total", "name", "simple"));
        assertEquals(3.0, Scrape.valueIn(TEXT, "fleet_gitjobs_created_success_total", "name", "other",
                "namespace", "fleet-local"));
        assertEquals(5.0, Scrape.valueIn(TEXT, "fleet_gitjobs_created_success_total"));
        assertTrue(Scrape.existsIn(TEXT, "fleet_gitjob_duration_seconds_bucket", "le", "+Inf"));
        assertFalse(Scrape.existsIn(TEXT, "fleet_gitjobs_created_success_total", "name", "gone"));
        assertEquals(0.0, Scrape.valueIn(TEXT, "fleet_gitjobs_created_failure_total"));
    }
}
