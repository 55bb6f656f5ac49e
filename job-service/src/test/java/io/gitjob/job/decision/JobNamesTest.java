package io.gitjob.job.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class JobNamesTest {

    @Test
    void theSameStateAlwaysGetsTheSameName() {
        assertEquals(JobNames.name("simple", "u", "https://r", "c1", 1, 0), JobNames.name("simple", "u", "https://r", "c1", 1, 0));
        assertTrue(JobNames.name("simple", "u", "https://r", "c1", 1, 0).matches("simple-[0-9a-f]{10}"));
    }

    @Test
    void everyInputChangesTheName() {
        Set<String> names = new HashSet<>();
        names.add(JobNames.name("simple", "u", "https://r", "c1", 1, 0));
        names.add(JobNames.name("other", "u", "https://r", "c1", 1, 0));
        names.add(JobNames.name("simple", "u", "https://r2", "c1", 1, 0));
        names.add(JobNames.name("simple", "u", "https://r", "c2", 1, 0));
        names.add(JobNames.name("simple", "u", "https://r", "c1", 2, 0));
        names.add(JobNames.name("simple", "u", "https://r", "c1", 1, 1));
        names.add(JobNames.name("simple", "u2", "https://r", "c1", 1, 0)); // a GitRepo re-created under its name
        assertEquals(7, names.size());
    }

    @Test
    void aLongGitRepoNameIsCutTo63CharactersWithoutADanglingDash() {
        String longName = "a".repeat(51) + "-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        String name = JobNames.name(longName, "u", "https://r", "c1", 1, 0);
        assertTrue(name.length() <= 63, name);
        assertTrue(name.matches("a{51}-[0-9a-f]{10}"), name);
    }
}
