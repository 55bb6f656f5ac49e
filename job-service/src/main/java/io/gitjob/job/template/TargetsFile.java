package io.gitjob.job.template;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.gitjob.gitrepo.GitRepo;

/**
 * The targets file {@code fleet apply} reads ({@code --targets-file}), made from {@code spec.targets} as Fleet
 * v0.16.1 makes it: a BundleSpec with the targets both as {@code targets} and as {@code targetRestrictions} (the
 * allow list), one {@code default} target on the {@code default} cluster group when none is given. It is written
 * byte for byte as Go's encoding/json writes it, because the ConfigMap's name carries a hash of it: the same GitRepo
 * gives Fleet's name, so a GitRepo moved from Fleet reuses its ConfigMap.
 */
public record TargetsFile(String json, String configMapName) {

    /** The key of the file in the ConfigMap (mounted at /run/config). */
    public static final String KEY = "targets.yaml";

    private static final List<String> TARGET_FIELDS = List.of("name", "clusterName", "clusterSelector",
            "clusterGroup", "clusterGroupSelector");

    public static TargetsFile of(GitRepo gitRepo) {
        List<Map<String, Object>> targets = gitRepo.getSpec().getTargets();
        if (targets == null || targets.isEmpty()) {
            targets = List.of(Map.of("name", "default", "clusterGroup", "default"));
        }
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < targets.size(); i++) {
            if (i > 0) {
                list.append(',');
            }
            target(list, targets.get(i));
        }
        list.append(']');
        String json = "{\"targets\":" + list + ",\"targetRestrictions\":" + list + "}";
        String name = FleetNames.safeConcat(gitRepo.getMetadata().getName(), "config", FleetNames.keyHash(json));
        return new TargetsFile(json, name);
    }

    private static void target(StringBuilder out, Map<String, Object> target) {
        out.append('{');
        boolean first = true;
        for (String field : TARGET_FIELDS) {
            Object value = target == null ? null : target.get(field);
            // Go's omitempty: an empty string is left out, a selector only when absent (an empty one is {}).
            if (value == null || !field.endsWith("Selector") && value.toString().isEmpty()) {
                continue;
            }
            first = comma(out, first);
            string(out, field);
            out.append(':');
            if (field.endsWith("Selector")) {
                selector(out, value);
            } else {
                string(out, value.toString());
            }
        }
        out.append('}');
    }

    /** A metav1.LabelSelector: matchLabels (keys sorted, as Go sorts map keys), then matchExpressions. */
    private static void selector(StringBuilder out, Object value) {
        Map<?, ?> selector = value instanceof Map<?, ?> m ? m : Map.of();
        out.append('{');
        boolean first = true;
        if (selector.get("matchLabels") instanceof Map<?, ?> labels && !labels.isEmpty()) {
            first = comma(out, first);
            string(out, "matchLabels");
            out.append(":{");
            boolean firstLabel = true;
            for (Map.Entry<String, String> label : sorted(labels).entrySet()) {
                firstLabel = comma(out, firstLabel);
                string(out, label.getKey());
                out.append(':');
                string(out, label.getValue());
            }
            out.append('}');
        }
        if (selector.get("matchExpressions") instanceof List<?> expressions && !expressions.isEmpty()) {
            comma(out, first);
            string(out, "matchExpressions");
            out.append(":[");
            for (int i = 0; i < expressions.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                Map<?, ?> e = expressions.get(i) instanceof Map<?, ?> m ? m : Map.of();
                out.append('{');
                string(out, "key");
                out.append(':');
                string(out, text(e.get("key")));
                out.append(',');
                string(out, "operator");
                out.append(':');
                string(out, text(e.get("operator")));
                if (e.get("values") instanceof List<?> values && !values.isEmpty()) {
                    out.append(',');
                    string(out, "values");
                    out.append(":[");
                    for (int j = 0; j < values.size(); j++) {
                        if (j > 0) {
                            out.append(',');
                        }
                        string(out, text(values.get(j)));
                    }
                    out.append(']');
                }
                out.append('}');
            }
            out.append(']');
        }
        out.append('}');
    }

    private static Map<String, String> sorted(Map<?, ?> map) {
        Map<String, String> sorted = new TreeMap<>();
        map.forEach((k, v) -> sorted.put(text(k), text(v)));
        return sorted;
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    private static boolean comma(StringBuilder out, boolean first) {
        if (!first) {
            out.append(',');
        }
        return false;
    }

    /** A JSON string with Go's escaping: HTML characters and the line and paragraph separators as \\u escapes. */
    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
