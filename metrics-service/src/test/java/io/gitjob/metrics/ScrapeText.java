package io.gitjob.metrics;

import static io.restassured.RestAssured.given;

/** {@code /q/metrics} of the service under test, in the format asked for. */
final class ScrapeText {
    private ScrapeText() {
    }

    /** The Accept header of Prometheus 2.x and 3.x scrapes by default. */
    static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    /** Prometheus text format 0.0.4, what Fleet's controller serves. */
    static String text() {
        return scrape("text/plain");
    }

    /** What a Prometheus server gets. */
    static String asPrometheusAsks() {
        return scrape(PROMETHEUS_ACCEPT);
    }

    /** OpenMetrics 1.0.0. */
    static String openMetrics() {
        return scrape("application/openmetrics-text; version=1.0.0; charset=utf-8");
    }

    private static String scrape(String accept) {
        return given().accept(accept).get("/q/metrics").then().statusCode(200).extract().asString();
    }
}
