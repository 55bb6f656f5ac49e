package io.gitjob.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Server-side printing, which a real API server does and the mock does not: kubectl asks for a
 * {@code meta.k8s.io/v1} Table and prints its columns; given plain objects it prints only NAME and AGE. These are
 * the columns kubectl 1.32 shows for Jobs and Pods, and the GitRepo and Bundle CRDs' printer columns. Other kinds pass
 * through as they are.
 */
final class Tables {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Column(String name, String type, Function<JsonNode, String> cell) {
    }

    private Tables() {
    }

    /** Whether the client asked for a Table ({@code Accept: application/json;as=Table;...}). */
    static boolean wanted(String accept) {
        return accept != null && accept.contains("as=Table");
    }

    /**
     * The Table of a list or of one object read at {@code path}, or empty when this kind has no columns here. The
     * mock calls every list a {@code List}, so the kind is the items', or for an empty list the path's.
     */
    static Optional<byte[]> of(String path, byte[] json, Instant now) {
        try {
            JsonNode node = JSON.readTree(json);
            boolean list = node.has("items");
            List<JsonNode> items = new ArrayList<>();
            if (list) {
                node.path("items").forEach(items::add);
            } else {
                items.add(node);
            }
            String kind = items.isEmpty() ? kindOf(path) : items.get(0).path("kind").asText();
            Optional<List<Column>> columns = columns(kind, now);
            if (columns.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(JSON.writeValueAsBytes(table(columns.get(), items,
                    node.path("metadata").path("resourceVersion").asText(""))));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    private static String kindOf(String path) {
        String resource = path.substring(path.lastIndexOf('/') + 1);
        return switch (resource) {
            case "jobs" -> "Job";
            case "pods" -> "Pod";
            case "gitrepos" -> "GitRepo";
            case "bundles" -> "Bundle";
            default -> "";
        };
    }

    /** A watch event line with its object as a one-row Table, or the line as it was. */
    static String watchEvent(String line, Instant now) {
        try {
            JsonNode event = JSON.readTree(line);
            JsonNode object = event.path("object");
            Optional<List<Column>> columns = columns(object.path("kind").asText(), now);
            if (columns.isEmpty()) {
                return line;
            }
            ObjectNode converted = JSON.createObjectNode();
            converted.put("type", event.path("type").asText());
            converted.set("object", table(columns.get(), List.of(object),
                    object.path("metadata").path("resourceVersion").asText("")));
            return JSON.writeValueAsString(converted);
        } catch (java.io.IOException e) {
            return line;
        }
    }

    private static Optional<List<Column>> columns(String kind, Instant now) {
        Column name = new Column("Name", "string", o -> o.path("metadata").path("name").asText());
        Column age = new Column("Age", "string", o -> age(o.path("metadata").path("creationTimestamp").asText(), now));
        return switch (kind) {
            case "Job" -> Optional.of(List.of(name,
                    new Column("Status", "string", Tables::jobStatus),
                    new Column("Completions", "string", o -> o.path("status").path("succeeded").asInt(0) + "/"
                            + o.path("spec").path("completions").asInt(1)),
                    new Column("Duration", "string", o -> jobDuration(o, now)),
                    age));
            case "Pod" -> Optional.of(List.of(name,
                    new Column("Ready", "string", o -> ready(o) + "/" + o.path("spec").path("containers").size()),
                    new Column("Status", "string", Tables::podStatus),
                    new Column("Restarts", "integer", Tables::restarts),
                    age));
            case "GitRepo" -> Optional.of(List.of(name,
                    new Column("Repo", "string", o -> o.path("spec").path("repo").asText("")),
                    new Column("Commit", "string", o -> o.path("status").path("commit").asText("")),
                    new Column("Status", "string", o -> o.path("status").path("gitJobStatus").asText("")),
                    age));
            // The printer columns of Fleet v0.16.1's Bundle CRD.
            case "Bundle" -> Optional.of(List.of(name,
                    new Column("BundleDeployments-Ready", "string",
                            o -> o.path("status").path("display").path("readyClusters").asText("")),
                    new Column("Status", "string", Tables::readyMessage),
                    age));
            default -> Optional.empty();
        };
    }

    private static String readyMessage(JsonNode object) {
        for (JsonNode c : object.path("status").path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                return c.path("message").asText("");
            }
        }
        return "";
    }

    private static ObjectNode table(List<Column> columns, List<JsonNode> objects, String resourceVersion) {
        ObjectNode table = JSON.createObjectNode();
        table.put("kind", "Table");
        table.put("apiVersion", "meta.k8s.io/v1");
        table.putObject("metadata").put("resourceVersion", resourceVersion);
        ArrayNode definitions = table.putArray("columnDefinitions");
        for (Column c : columns) {
            definitions.addObject().put("name", c.name()).put("type", c.type())
                    .put("format", c.name().equals("Name") ? "name" : "").put("description", c.name())
                    .put("priority", 0);
        }
        ArrayNode rows = table.putArray("rows");
        for (JsonNode object : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            columns.forEach(c -> {
                if (c.type().equals("integer")) {
                    cells.add(Long.parseLong(c.cell().apply(object)));
                } else {
                    cells.add(c.cell().apply(object));
                }
            });
            // kubectl takes the NAMESPACE column of -A from here.
            ObjectNode partial = row.putObject("object");
            partial.put("kind", "PartialObjectMetadata");
            partial.put("apiVersion", "meta.k8s.io/v1");
            partial.set("metadata", object.path("metadata").deepCopy());
        }
        return table;
    }

    private static String jobStatus(JsonNode job) {
        for (JsonNode c : job.path("status").path("conditions")) {
            if ("True".equals(c.path("status").asText())) {
                switch (c.path("type").asText()) {
                    case "Complete":
                        return "Complete";
                    case "Failed":
                        return "Failed";
                    case "Suspended":
                        return "Suspended";
                    default:
                        break;
                }
            }
        }
        return "Running";
    }

    private static String jobDuration(JsonNode job, Instant now) {
        Instant start = instant(job.path("status").path("startTime").asText());
        if (start == null) {
            return "";
        }
        Instant end = instant(job.path("status").path("completionTime").asText());
        return human(Duration.between(start, end == null ? now : end));
    }

    private static long ready(JsonNode pod) {
        long ready = 0;
        for (JsonNode c : pod.path("status").path("containerStatuses")) {
            if (c.path("ready").asBoolean(false)) {
                ready++;
            }
        }
        return ready;
    }

    private static String restarts(JsonNode pod) {
        long restarts = 0;
        for (JsonNode c : pod.path("status").path("containerStatuses")) {
            restarts += c.path("restartCount").asLong(0);
        }
        return Long.toString(restarts);
    }

    private static String podStatus(JsonNode pod) {
        // As kubectl: an init container waiting shows as Init:<reason>, a container waiting as <reason>.
        for (JsonNode c : pod.path("status").path("initContainerStatuses")) {
            String waiting = c.path("state").path("waiting").path("reason").asText("");
            if (!waiting.isEmpty() && !"PodInitializing".equals(waiting)) {
                return "Init:" + waiting;
            }
        }
        for (JsonNode c : pod.path("status").path("containerStatuses")) {
            String waiting = c.path("state").path("waiting").path("reason").asText("");
            if (!waiting.isEmpty() && !"PodInitializing".equals(waiting) && !"ContainerCreating".equals(waiting)) {
                return waiting;
            }
        }
        for (JsonNode c : pod.path("status").path("containerStatuses")) {
            String reason = c.path("state").path("terminated").path("reason").asText("");
            if (!reason.isEmpty()) {
                return reason;
            }
        }
        return pod.path("status").path("phase").asText("Pending");
    }

    private static String age(String timestamp, Instant now) {
        Instant created = instant(timestamp);
        return created == null ? "<unknown>" : human(Duration.between(created, now));
    }

    private static Instant instant(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** kubectl's short ages: 42s, 3m12s, 25m, 5h3m, 30h, 4d2h, 12d. */
    static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) {
            return s + "s";
        }
        long m = s / 60;
        if (m < 10) {
            return m + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
        }
        if (m < 180) {
            return m + "m";
        }
        long h = m / 60;
        if (h < 8) {
            return h + "h" + (m % 60 == 0 ? "" : m % 60 + "m");
        }
        if (h < 48) {
            return h + "h";
        }
        long days = h / 24;
        if (days < 8) {
            return days + "d" + (h % 24 == 0 ? "" : h % 24 + "h");
        }
        return days + "d";
    }
}
