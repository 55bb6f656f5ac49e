package io.gitjob.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs one of the per-service benchmark mains in a JVM of its own (its own heap size) and returns what it printed. */
final class MicroRun {

    private MicroRun() {
    }

    static String run(String mainClass, String heap, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), heap, "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        System.out.println("# running " + mainClass);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println("#   " + line);
                out.append(line).append('\n');
            }
        }
        int code = p.waitFor();
        if (code != 0) {
            out.append("(exit code ").append(code).append(")\n");
        }
        return out.toString();
    }
}
