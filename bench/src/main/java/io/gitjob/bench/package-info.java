/**
 * Benchmarks: plain mains that print a table of figures. One sub-package per service. Run with
 * {@code ./mvnw -q -pl bench -am install -DskipTests && ./mvnw -q -pl bench exec:java -Dexec.mainClass=...}.
 */
package io.gitjob.bench;
