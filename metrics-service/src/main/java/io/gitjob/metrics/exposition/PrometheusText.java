package io.gitjob.metrics.exposition;

import java.io.IOException;
import java.io.Writer;

/**
 * simpleclient 0.16's line formats ({@code TextFormat.write004} and {@code writeOpenMetrics100}) for the
 * families {@link MeterExposition} writes: no timestamps, no exemplars, no units (Micrometer's collectors set
 * none of them).
 */
final class PrometheusText {

    private final Writer out;
    private final boolean openMetrics;

    PrometheusText(Writer out, boolean openMetrics) {
        this.out = out;
        this.openMetrics = openMetrics;
    }

    boolean openMetrics() {
        return openMetrics;
    }

    /**
     * 0.0.4: HELP then TYPE under {@code name004}; OpenMetrics: TYPE then HELP under the family's name, HELP
     * escaped as a label value.
     */
    void header(String familyName, String name004, String type, String help) throws IOException {
        if (openMetrics) {
            out.write("# TYPE ");
            out.write(familyName);
            out.write(' ');
            out.write(type);
            out.write("\n# HELP ");
            out.write(familyName);
            out.write(' ');
            escapeLabelValue(help);
            out.write('\n');
        } else {
            out.write("# HELP ");
            out.write(name004);
            out.write(' ');
            escapeHelp(help);
            out.write("\n# TYPE ");
            out.write(name004);
            out.write(' ');
            out.write(type);
            out.write('\n');
        }
    }

    /** One sample line; {@code extraKey}/{@code extraValue} is a last label (a bucket's {@code le}) or null. */
    void sample(String name, String[] keys, String[] values, String extraKey, String extraValue, double value)
            throws IOException {
        out.write(name);
        if (keys.length > 0 || extraKey != null) {
            out.write('{');
            for (int i = 0; i < keys.length; i++) {
                label(i > 0, keys[i], values[i]);
            }
            if (extraKey != null) {
                label(keys.length > 0, extraKey, extraValue);
            }
            out.write('}');
        }
        out.write(' ');
        writeValue(value);
        out.write('\n');
    }

    /** Longest whole number Double.toString writes as digits and ".0" rather than in E notation (10^7). */
    private static final double PLAIN_WHOLE_LIMIT = 1e7;

    private final char[] digits = new char[24];

    /**
     * {@link #goString}'s text without a String for whole numbers below 10^7 (counts, bucket counts), which
     * Double.toString writes as their digits and ".0"; every other value goes through {@link #goString}.
     */
    private void writeValue(double value) throws IOException {
        if (value == Math.rint(value) && Math.abs(value) < PLAIN_WHOLE_LIMIT
                && (value != 0 || Double.doubleToRawLongBits(value) == 0)) { // -0.0 is "-0.0": left to goString
            long whole = (long) value;
            int at = digits.length;
            digits[--at] = '0';
            digits[--at] = '.';
            long rest = Math.abs(whole);
            do {
                digits[--at] = (char) ('0' + rest % 10);
                rest /= 10;
            } while (rest != 0);
            if (whole < 0) {
                digits[--at] = '-';
            }
            out.write(digits, at, digits.length - at);
            return;
        }
        out.write(goString(value));
    }

    /** 0.0.4 ends every label with a comma, the last one included; OpenMetrics separates them. */
    private void label(boolean notFirst, String key, String value) throws IOException {
        if (openMetrics && notFirst) {
            out.write(',');
        }
        out.write(key);
        out.write("=\"");
        escapeLabelValue(value);
        out.write('"');
        if (!openMetrics) {
            out.write(',');
        }
    }

    /** {@code Collector.doubleToGoString}. */
    static String goString(double d) {
        if (d == Double.POSITIVE_INFINITY) {
            return "+Inf";
        }
        if (d == Double.NEGATIVE_INFINITY) {
            return "-Inf";
        }
        return Double.toString(d); // "NaN" for NaN, as Go writes it
    }

    private void escapeHelp(String s) throws IOException {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.write("\\\\");
                case '\n' -> out.write("\\n");
                default -> out.write(c);
            }
        }
    }

    private void escapeLabelValue(String s) throws IOException {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.write("\\\\");
                case '"' -> out.write("\\\"");
                case '\n' -> out.write("\\n");
                default -> out.write(c);
            }
        }
    }
}
