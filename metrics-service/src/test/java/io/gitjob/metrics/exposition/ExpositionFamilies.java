package io.gitjob.metrics.exposition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A scrape's text cut into families: each family's comment lines, in order, and its sample lines sorted, since
 * Micrometer writes the series of a family in its children map's hash order and {@link MeterExposition} in
 * tag-value order (same lines, another order; see MeterExposition's comment).
 */
public record ExpositionFamilies(Map<String, Family> families, String trailer) {

    public record Family(List<String> comments, List<String> sortedSamples) {
    }

    public static ExpositionFamilies of(String text, boolean openMetrics) {
        String firstComment = openMetrics ? "# TYPE " : "# HELP ";
        Map<String, Family> families = new TreeMap<>();
        String trailer = "";
        List<String> comments = null;
        List<String> samples = null;
        String name = null;
        for (String line : text.split("\n", -1)) {
            if (line.equals("# EOF") || line.isEmpty()) {
                trailer += line + "|";
                continue;
            }
            if (line.startsWith(firstComment)) {
                if (name != null) {
                    put(families, name, comments, samples);
                }
                name = line.substring(firstComment.length(), line.indexOf(' ', firstComment.length()));
                comments = new ArrayList<>();
                samples = new ArrayList<>();
            }
            if (name == null) {
                throw new AssertionError("a line before any family: " + line);
            }
            (line.startsWith("#") ? comments : samples).add(line);
        }
        if (name != null) {
            put(families, name, comments, samples);
        }
        return new ExpositionFamilies(families, trailer);
    }

    private static void put(Map<String, Family> families, String name, List<String> comments, List<String> samples) {
        List<String> sorted = new ArrayList<>(samples);
        sorted.sort(null);
        if (families.put(name, new Family(comments, sorted)) != null) {
            throw new AssertionError("family " + name + " written twice");
        }
    }
}
