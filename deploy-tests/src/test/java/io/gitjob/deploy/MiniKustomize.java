package io.gitjob.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The part of Kustomize that deploy/ uses, for machines without kubectl: {@code resources} (files and
 * directories), {@code configMapGenerator} (files, without name hash), {@code patches} (inline JSON 6902
 * with a kind/name target), {@code replicas} and {@code images} (new tag or name). Any other field of a
 * kustomization fails the render rather than be silently ignored, and {@code MiniKustomizeTest} checks that
 * the result equals {@code kubectl kustomize}'s wherever kubectl exists.
 */
final class MiniKustomize {

    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "configMapGenerator",
            "patches", "replicas", "images");

    private MiniKustomize() {
    }

    static List<Map<String, Object>> render(Path dir) {
        Map<String, Object> k = Yaml.documents(read(dir.resolve("kustomization.yaml"))).get(0);
        for (String key : k.keySet()) {
            if (!SUPPORTED.contains(key)) {
                throw new IllegalArgumentException(dir.resolve("kustomization.yaml") + ": '" + key
                        + "' is not supported by the Java fallback (only " + SUPPORTED + "); install kubectl");
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object entry : list(k.get("resources"))) {
            Path p = dir.resolve((String) entry).normalize();
            out.addAll(Files.isDirectory(p) ? render(p) : Yaml.documents(read(p)));
        }
        for (Object g : list(k.get("configMapGenerator"))) {
            out.add(configMap(dir, map(g)));
        }
        for (Object p : list(k.get("patches"))) {
            Map<String, Object> patch = map(p);
            Map<String, Object> target = map(patch.get("target"));
            List<Object> ops = Yaml.MAPPER.convertValue(parseList((String) patch.get("patch")), List.class);
            for (Map<String, Object> doc : out) {
                if (matches(doc, target)) {
                    ops.forEach(op -> JsonPatch.apply(doc, map(op)));
                }
            }
        }
        for (Object r : list(k.get("replicas"))) {
            Map<String, Object> replicas = map(r);
            for (Map<String, Object> doc : out) {
                if (Objects.equals(name(doc), replicas.get("name"))
                        && Set.of("Deployment", "StatefulSet", "ReplicaSet").contains(doc.get("kind"))) {
                    map(doc.get("spec")).put("replicas", replicas.get("count"));
                }
            }
        }
        for (Object i : list(k.get("images"))) {
            Map<String, Object> image = map(i);
            out.forEach(doc -> retag(doc, image));
        }
        return out;
    }

    private static Map<String, Object> configMap(Path dir, Map<String, Object> gen) {
        Map<String, Object> options = gen.containsKey("options") ? map(gen.get("options")) : Map.of();
        if (!Boolean.TRUE.equals(options.get("disableNameSuffixHash"))) {
            throw new IllegalArgumentException("configMapGenerator " + gen.get("name")
                    + ": the fallback does not compute name hashes; set options.disableNameSuffixHash");
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", gen.get("name"));
        if (gen.get("namespace") != null) {
            metadata.put("namespace", gen.get("namespace"));
        }
        if (options.get("labels") != null) {
            metadata.put("labels", options.get("labels"));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        for (Object f : list(gen.get("files"))) {
            Path file = dir.resolve((String) f);
            data.put(file.getFileName().toString(), read(file));
        }
        Map<String, Object> cm = new LinkedHashMap<>();
        cm.put("apiVersion", "v1");
        cm.put("kind", "ConfigMap");
        cm.put("metadata", metadata);
        cm.put("data", data);
        return cm;
    }

    /** Sets the tag (and name) of every container image named like {@code image.name}, wherever it is. */
    @SuppressWarnings("unchecked")
    private static void retag(Object node, Map<String, Object> image) {
        if (node instanceof Map<?, ?> m) {
            Object current = m.get("image");
            if (current instanceof String s && m.containsKey("name")
                    && (s.equals(image.get("name")) || s.startsWith(image.get("name") + ":"))) {
                String newName = (String) image.getOrDefault("newName", image.get("name"));
                String tag = image.get("newTag") != null ? ":" + image.get("newTag")
                        : s.contains(":") ? s.substring(s.indexOf(':')) : "";
                ((Map<String, Object>) m).put("image", newName + tag);
            }
            m.values().forEach(v -> retag(v, image));
        } else if (node instanceof List<?> l) {
            l.forEach(v -> retag(v, image));
        }
    }

    private static boolean matches(Map<String, Object> doc, Map<String, Object> target) {
        for (String key : target.keySet()) {
            if (!Set.of("kind", "name").contains(key)) {
                throw new IllegalArgumentException("patch target '" + key + "' not supported by the fallback");
            }
        }
        return (target.get("kind") == null || target.get("kind").equals(doc.get("kind")))
                && (target.get("name") == null || target.get("name").equals(name(doc)));
    }

    static String name(Map<String, Object> doc) {
        return (String) map(doc.get("metadata")).get("name");
    }

    private static Object parseList(String yaml) {
        try {
            return Yaml.MAPPER.readValue(yaml, List.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o == null ? List.of() : (List<Object>) o;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** RFC 6902 add, replace and remove on plain trees. */
    static final class JsonPatch {

        private JsonPatch() {
        }

        @SuppressWarnings("unchecked")
        static void apply(Map<String, Object> doc, Map<String, Object> op) {
            String[] parts = ((String) op.get("path")).substring(1).split("/", -1);
            Object parent = doc;
            for (int i = 0; i < parts.length - 1; i++) {
                parent = child(parent, unescape(parts[i]));
                if (parent == null) {
                    throw new IllegalArgumentException("no " + op.get("path") + " in " + name(doc));
                }
            }
            String last = unescape(parts[parts.length - 1]);
            Object value = op.get("value");
            switch ((String) op.get("op")) {
                case "add" -> {
                    if (parent instanceof List<?> l) {
                        List<Object> list = (List<Object>) l;
                        if (last.equals("-")) {
                            list.add(value);
                        } else {
                            list.add(Integer.parseInt(last), value);
                        }
                    } else {
                        ((Map<String, Object>) parent).put(last, value);
                    }
                }
                case "replace" -> {
                    if (child(parent, last) == null) {
                        throw new IllegalArgumentException("replace of missing " + op.get("path") + " in " + name(doc));
                    }
                    if (parent instanceof List<?> l) {
                        ((List<Object>) l).set(Integer.parseInt(last), value);
                    } else {
                        ((Map<String, Object>) parent).put(last, value);
                    }
                }
                case "remove" -> {
                    if (parent instanceof List<?> l) {
                        l.remove(Integer.parseInt(last));
                    } else {
                        ((Map<String, Object>) parent).remove(last);
                    }
                }
                default -> throw new IllegalArgumentException("patch op " + op.get("op") + " not supported");
            }
        }

        private static Object child(Object parent, String key) {
            if (parent instanceof Map<?, ?> m) {
                return m.get(key);
            }
            if (parent instanceof List<?> l) {
                return l.get(Integer.parseInt(key));
            }
            return null;
        }

        private static String unescape(String s) {
            return s.replace("~1", "/").replace("~0", "~");
        }
    }
}
