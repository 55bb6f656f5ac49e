package io.gitjob.metrics.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import io.prometheus.client.Collector;

/** Values are written as simpleclient writes them, including those the whole-number path writes itself. */
class PrometheusTextTest {

    @Test
    void everyValueIsWrittenAsCollectorDoubleToGoString() throws IOException {
        double[] values = { 0.0, -0.0, 1.0, -1.0, 3.0, 12.5, 9_999_999.0, 10_000_000.0, -9_999_999.0, -10_000_000.0,
            1e-300, 0.001, 0.0009, 123456.75, Long.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE, 4_294_967_296.0 };
        for (boolean openMetrics : new boolean[] { false, true }) {
            for (double value : values) {
                StringWriter out = new StringWriter();
                new PrometheusText(out, openMetrics).sample("m", new String[0], new String[0], null, null, value);
                assertEquals("m " + Collector.doubleToGoString(value) + "\n", out.toString(), "value " + value);
            }
        }
    }
}
