package io.gitjob.sandbox;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * What the sandbox's "apply" step checks in a checked-out commit, in place of {@code kubectl apply -R -f}: every
 * {@code .yaml}/{@code .yml} file under the GitRepo's paths parses. The first problem, naming the file, is the
 * failed Pod's termination message.
 */
final class YamlCheck {

    private YamlCheck() {
    }

    /** The first problem under {@code paths} of {@code checkout} (empty paths: the whole tree); empty when none. */
    static Optional<String> firstProblem(Path checkout, List<String> paths) {
        List<String> roots = paths == null || paths.isEmpty() ? List.of(".") : paths;
        for (String root : roots) {
            Path dir = checkout.resolve(root).normalize();
            if (!dir.startsWith(checkout) || !Files.exists(dir)) {
                return Optional.of("error: path \"" + root + "\" does not exist in the repository");
            }
            List<Path> files;
            try (Stream<Path> walk = Files.walk(dir)) {
                files = walk.filter(Files::isRegularFile)
                        .filter(f -> !checkout.relativize(f).startsWith(".git"))
                        .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                        .sorted().toList();
            } catch (IOException e) {
                return Optional.of("error: cannot read " + root + ": " + e.getMessage());
            }
            for (Path file : files) {
                Optional<String> problem = parse(file, checkout.relativize(file).toString());
                if (problem.isPresent()) {
                    return problem;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> parse(Path file, String name) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in)) {
                if (document != null && !(document instanceof java.util.Map)) {
                    return Optional.of("error: " + name + ": a manifest must be a YAML mapping, found "
                            + document.getClass().getSimpleName());
                }
            }
            return Optional.empty();
        } catch (MarkedYAMLException e) {
            String where = e.getProblemMark() == null ? "" : " (line " + (e.getProblemMark().getLine() + 1) + ")";
            return Optional.of("error: " + name + ": " + e.getProblem() + where);
        } catch (RuntimeException | IOException e) {
            return Optional.of("error: " + name + ": " + e.getMessage());
        }
    }
}
