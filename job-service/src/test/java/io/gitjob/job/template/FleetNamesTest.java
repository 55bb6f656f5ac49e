package io.gitjob.job.template;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Fleet v0.16.1's names (internal/names: SafeConcatName, KeyHash; targetsyaml.go), with the values Fleet's own tests expect. */
class FleetNamesTest {

    private static final String A32 = "a".repeat(32);

    @Test
    void safeConcatKeepsShortNamesAndCutsLongOnesAsFleet() {
        assertEquals("", FleetNames.safeConcat());
        assertEquals("a".repeat(63), FleetNames.safeConcat("a".repeat(63)));
        assertEquals("a".repeat(57) + "-ffe05", FleetNames.safeConcat("a".repeat(64)));
        assertEquals("first-second-third", FleetNames.safeConcat("first", "second", "third"));
        assertEquals(A32 + "-" + "a".repeat(24) + "-da5ed", FleetNames.safeConcat(A32, A32));
        assertEquals("a".repeat(56) + "-768c62", FleetNames.safeConcat("a".repeat(56) + "-aaaaaaa"));
        assertEquals("a".repeat(55) + "--9e8cfe", FleetNames.safeConcat("a".repeat(55) + "--aaaaaaa"));
    }

    @Test
    void theServiceAccountOfALongGitRepoNameStaysUnder64() {
        var gitRepo = Fixtures.minimal();
        gitRepo.getMetadata().setName("a".repeat(70));
        String name = FleetNames.serviceAccount(gitRepo);
        assertEquals("git-" + "a".repeat(53) + "-2ff87", name);
        assertEquals(63, name.length());
    }

    @Test
    void theTargetsFileIsGoJsonOfTheTargetsTwiceAndNamesItsConfigMapByItsHash() {
        TargetsFile none = TargetsFile.of(Fixtures.minimal());
        assertEquals("{\"targets\":[{\"name\":\"default\",\"clusterGroup\":\"default\"}],"
                + "\"targetRestrictions\":[{\"name\":\"default\",\"clusterGroup\":\"default\"}]}", none.json());
        assertEquals("simple-config-fae44897c8d5", none.configMapName());

        var gitRepo = Fixtures.minimal();
        gitRepo.getSpec().setTargets(List.of(java.util.Map.of("name", "x<y>&z", "clusterName", "",
                "clusterGroupSelector", java.util.Map.of("matchExpressions", List.of(java.util.Map.of("key", "env",
                        "operator", "In", "values", List.of("a", "b")))))));
        String target = "{\"name\":\"x\\u003cy\\u003e\\u0026z\",\"clusterGroupSelector\":{\"matchExpressions\":"
                + "[{\"key\":\"env\",\"operator\":\"In\",\"values\":[\"a\",\"b\"]}]}}";
        assertEquals("{\"targets\":[" + target + "],\"targetRestrictions\":[" + target + "]}",
                TargetsFile.of(gitRepo).json());
    }
}
