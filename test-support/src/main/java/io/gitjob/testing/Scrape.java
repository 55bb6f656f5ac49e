package io.gitjob.testing;

import static io.restassured.RestAssured.given;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a service's {@code /q/metrics} the way Prometheus does, so tests assert on what a user's dashboard
 * would show.
 */
public final class Scrape {
    private Scrape() {
    }

    /** The Prometheus text of the application under test. */
    public static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of the sample {@code name{labels}}, or 0 when the series does not exist (yet, or any more). */
    public static double value(String name, String... labelPairs) {
        return valueIn(metrics(), name, labelPairs);
    }

    /** The sum of the samples {@code name} whose labels include {@code labelPairs} (name, value, ...); 0 if none. */
    public static double valueIn(String text, String name, String... labelPairs) {
        return samplesIn(text, name, labelPairs).stream()
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /** Whether any sample of {@code name} carries the labels. */
    public static boolean existsIn(String text, String name, String... labelPairs) {
        return !samplesIn(text, name, labelPairs).isEmpty();
    }

    /** The sample lines of {@code name} whose labels include {@code labelPairs}. */
    public static List<String> samplesIn(String text, String name, String... labelPairs) {
        Map<String, String> wanted = new TreeMap<>();
        for (int i = 0; i + 1 < labelPairs.length; i += 2) {
            wanted.put(labelPairs[i], labelPairs[i + 1]);
        }
        List<String> matching = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith("#") && (line.startsWith(name + "{") || line.startsWith(name + " "))
                    && labels(line).entrySet().containsAll(wanted.entrySet())) {
                matching.add(line);
            }
        }
        return matching;
    }

    private static final java.util.regex.Pattern LABEL = java.util.regex.Pattern
            .compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The labels of a sample line, in both text formats (0.0.4 ends the set with a comma, OpenMetrics not). */
    private static Map<String, String> labels(String line) {
        Map<String, String> labels = new TreeMap<>();
        int open = line.indexOf('{');
        int close = line.lastIndexOf('}');
        if (open < 0 || close < open) {
            return labels;
        }
        java.util.regex.Matcher m = LABEL.matcher(line.substring(open + 1, close));
        while (m.find()) {
            labels.put(m.group(1), m.group(2));
        }
        return labels;
    }
}
