package io.gitjob.job.template;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The pod template of gitjob's kubectl-mode Jobs, with {@code {{placeholder}}} values. Placeholders are replaced in
 * the parsed tree, string by string, never in the YAML text, so no value (a URL with quotes, a path with a colon) can
 * change the template's structure. A list placeholder ({@link #LIST_PLACEHOLDERS}) stands alone as an element of a
 * list (e.g. of {@code args}) and becomes zero or more elements.
 */
public final class PodTemplate {

    public static final Set<String> PLACEHOLDERS = Set.of("repo", "cloneUrl", "commit", "branch", "revision",
            "paths", "targetNamespace", "clientSecretName", "gitRepoName", "gitRepoNamespace", "jobName",
            "serviceAccountName", "credentialsSecretName", "caBundleSecretName", "knownHosts", "clonerImage",
            "kubectlImage");
    public static final Set<String> LIST_PLACEHOLDERS = Set.of("gitclonerArgs", "kubectlApplyArgs");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z]+)\\s*}}");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final JsonNode tree;
    private final String source;

    private PodTemplate(JsonNode tree, String source) {
        this.tree = tree;
        this.source = source;
    }

    /** The template in {@code file}, or the default one shipped with job-service when no file is given. */
    public static PodTemplate load(Path file) {
        if (file == null) {
            try (InputStream in = PodTemplate.class.getResourceAsStream("/job-template.yaml")) {
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "the default template");
            } catch (IOException e) {
                throw new InvalidTemplateException("cannot read the default template: " + e.getMessage(), e);
            }
        }
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new InvalidTemplateException("cannot read template file " + file + ": " + e.getMessage(), e);
        }
    }

    public static PodTemplate parse(String yaml, String source) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new InvalidTemplateException(source + " is not YAML: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject() || !tree.path("spec").isObject()) {
            throw new InvalidTemplateException(source + " must be a pod template: an object with 'spec'");
        }
        Set<String> unknown = new TreeSet<>();
        Set<String> misplaced = new TreeSet<>();
        collectPlaceholders(tree, false, unknown, misplaced);
        unknown.removeAll(PLACEHOLDERS);
        unknown.removeAll(LIST_PLACEHOLDERS);
        if (!unknown.isEmpty()) {
            Set<String> known = new TreeSet<>(PLACEHOLDERS);
            known.addAll(LIST_PLACEHOLDERS);
            throw new InvalidTemplateException(source + " uses unknown placeholder(s) " + unknown + "; known: "
                    + known);
        }
        if (!misplaced.isEmpty()) {
            throw new InvalidTemplateException(source + " uses list placeholder(s) " + misplaced
                    + " inside a string; each must be a list element of its own, e.g. args: [\"{{gitclonerArgs}}\"]");
        }
        return new PodTemplate(tree, source);
    }

    /** The pod template for one Job; every placeholder is replaced, a missing value by "". */
    public PodTemplateSpec render(Map<String, String> values) {
        return render(values, Map.of());
    }

    /** As {@link #render(Map)}; a list placeholder becomes its values' elements, none when it has no value. */
    public PodTemplateSpec render(Map<String, String> values, Map<String, List<String>> lists) {
        JsonNode rendered = replace(tree.deepCopy(), values, lists);
        dropSecretVolumesWithoutName(rendered);
        try {
            return Serialization.unmarshal(YAML.writeValueAsString(rendered), PodTemplateSpec.class);
        } catch (IOException | RuntimeException e) {
            throw new InvalidTemplateException(source + " does not make a valid pod template: " + e.getMessage(),
                    e);
        }
    }

    private static JsonNode replace(JsonNode node, Map<String, String> values, Map<String, List<String>> lists) {
        if (node.isTextual()) {
            Matcher m = PLACEHOLDER.matcher(node.asText());
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = values.get(m.group(1));
                m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
            }
            m.appendTail(out);
            return new TextNode(out.toString());
        }
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                field.setValue(replace(field.getValue(), values, lists));
            }
        } else if (node instanceof ArrayNode array) {
            ArrayNode out = array.arrayNode();
            for (JsonNode element : array) {
                String list = listPlaceholder(element);
                if (list != null) {
                    lists.getOrDefault(list, List.of()).forEach(out::add);
                } else {
                    out.add(replace(element, values, lists));
                }
            }
            array.removeAll();
            array.addAll(out);
        }
        return node;
    }

    /** A GitRepo without clientSecretName gets no credentials volume instead of an invalid empty name. */
    private static void dropSecretVolumesWithoutName(JsonNode podTemplate) {
        JsonNode volumes = podTemplate.path("spec").path("volumes");
        if (!(volumes instanceof ArrayNode list)) {
            return;
        }
        Set<String> dropped = new TreeSet<>();
        for (int i = list.size() - 1; i >= 0; i--) {
            JsonNode secret = list.get(i).path("secret");
            if (secret.isObject() && secret.path("secretName").asText("").isBlank()) {
                dropped.add(list.get(i).path("name").asText());
                list.remove(i);
            }
        }
        for (String containers : new String[] { "initContainers", "containers" }) {
            for (JsonNode container : podTemplate.path("spec").path(containers)) {
                if (container.path("volumeMounts") instanceof ArrayNode mounts) {
                    for (int i = mounts.size() - 1; i >= 0; i--) {
                        if (dropped.contains(mounts.get(i).path("name").asText())) {
                            mounts.remove(i);
                        }
                    }
                }
            }
        }
    }

    /** The list placeholder an element is made of alone, or null. */
    private static String listPlaceholder(JsonNode element) {
        if (!element.isTextual()) {
            return null;
        }
        Matcher m = PLACEHOLDER.matcher(element.asText().trim());
        return m.matches() && LIST_PLACEHOLDERS.contains(m.group(1)) ? m.group(1) : null;
    }

    private static void collectPlaceholders(JsonNode node, boolean inList, Set<String> names, Set<String> misplaced) {
        if (node.isTextual()) {
            boolean alone = inList && listPlaceholder(node) != null;
            Matcher m = PLACEHOLDER.matcher(node.asText());
            while (m.find()) {
                names.add(m.group(1));
                if (LIST_PLACEHOLDERS.contains(m.group(1)) && !alone) {
                    misplaced.add(m.group(1));
                }
            }
        }
        node.forEach(child -> collectPlaceholders(child, node.isArray(), names, misplaced));
    }
}
