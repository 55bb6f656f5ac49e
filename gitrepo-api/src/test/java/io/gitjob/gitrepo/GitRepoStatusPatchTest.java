package io.gitjob.gitrepo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON patch every status write is made with: whole top-level fields, so no path ever has a "/" to escape. */
class GitRepoStatusPatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void changedFieldsAreSetWholeAndGoneOnesRemoved() throws Exception {
        JsonNode before = JSON.readTree("""
                {"commit": "c1", "summary": {"ready": 0, "desiredReady": 1, "notReady": 1},
                 "perClusterResourceCounts": {"ns/c1": {"ready": 0}, "ns/c2": {"ready": 1}},
                 "resources": [{"id": "a"}]}""");
        JsonNode after = JSON.readTree("""
                {"commit": "c1", "summary": {"ready": 1, "desiredReady": 1},
                 "perClusterResourceCounts": {"ns/c1": {"ready": 1}}}""");

        assertEquals(JSON.readTree("""
                [{"op": "remove", "path": "/status/resources"},
                 {"op": "add", "path": "/status/summary", "value": {"ready": 1, "desiredReady": 1}},
                 {"op": "add", "path": "/status/perClusterResourceCounts", "value": {"ns/c1": {"ready": 1}}}]"""),
                GitRepoStatusEdit.patch(before, after));
        assertEquals(JSON.readTree("""
                [{"op": "add", "path": "/status", "value": {"commit": "c1"}}]"""),
                GitRepoStatusEdit.patch(null, JSON.readTree("""
                        {"commit": "c1"}""")));
    }
}
