package io.gitjob.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * What a fleet-mode Job asks {@code fleet apply} to do, read from its container as Fleet v0.16.1's gitjob writes
 * it ({@code internal/cmd/controller/gitops/reconciler/gitjob.go}): command {@code fleet}, arguments
 * {@code apply [flags] -- <gitrepo name> <path>...}, the commit in the {@code COMMIT} variable; the repository from
 * the {@code fleet gitcloner <repo> <dir>} init container. A Job without such a container is not a fleet-mode Job.
 */
record FleetApplyArgs(String gitRepoName, List<String> paths, String namespace, Map<String, String> labels,
        String commit, String repo, String serviceAccount, String targetNamespace, long syncGeneration,
        boolean paused, boolean keepResources, boolean deleteNamespace) {

    /** Flags of {@code fleet apply} that take no value; every other flag takes one (after '=' or as the next word). */
    private static final Set<String> SWITCHES = Set.of("--keep-resources", "--delete-namespace", "--correct-drift",
            "--correct-drift-force", "--correct-drift-keep-fail-history", "--imagescan-enabled", "--driven-scan",
            "--helm-insecure-skip-tls", "--helm-basic-http", "--debug", "--compress");

    static Optional<FleetApplyArgs> of(Job job) {
        var pod = job.getSpec() == null || job.getSpec().getTemplate() == null ? null
                : job.getSpec().getTemplate().getSpec();
        if (pod == null) {
            return Optional.empty();
        }
        Optional<Container> apply = pod.getContainers().stream().filter(c -> words(c).size() > 1
                && "fleet".equals(words(c).get(0)) && "apply".equals(words(c).get(1))).findFirst();
        if (apply.isEmpty()) {
            return Optional.empty();
        }
        String repo = pod.getInitContainers().stream().map(FleetApplyArgs::words)
                .filter(w -> w.size() > 2 && "fleet".equals(w.get(0)) && "gitcloner".equals(w.get(1)))
                .map(w -> w.get(2)).findFirst().orElse(null);
        String commit = apply.get().getEnv().stream().filter(e -> "COMMIT".equals(e.getName()))
                .map(EnvVar::getValue).filter(v -> v != null && !v.isEmpty()).findFirst().orElse(null);
        return Optional.of(parse(words(apply.get()).subList(2, words(apply.get()).size()), commit, repo));
    }

    static FleetApplyArgs parse(List<String> args, String commit, String repo) {
        Map<String, String> flags = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                positional.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (!arg.startsWith("-")) {
                positional.add(arg);
            } else if (arg.contains("=")) {
                flags.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else if (SWITCHES.contains(arg)) {
                flags.put(arg, "true");
            } else {
                flags.put(arg, i + 1 < args.size() ? args.get(++i) : "");
            }
        }
        String name = positional.isEmpty() ? "" : positional.get(0);
        List<String> paths = positional.size() > 1 ? List.copyOf(positional.subList(1, positional.size()))
                : List.of(".");
        return new FleetApplyArgs(name, paths, flags.getOrDefault("--namespace", ""),
                labels(flags.getOrDefault("--label", "")), commit, repo, flags.getOrDefault("--service-account", ""),
                flags.getOrDefault("--target-namespace", ""), number(flags.get("--sync-generation")),
                "true".equals(flags.get("--paused")), "true".equals(flags.get("--keep-resources")),
                "true".equals(flags.get("--delete-namespace")));
    }

    /** {@code k1=v1,k2=v2}, as Kubernetes' {@code labels.Set.String()} writes a label set. */
    private static Map<String, String> labels(String value) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String pair : value.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return labels;
    }

    private static long number(String value) {
        try {
            return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static List<String> words(Container c) {
        List<String> words = new ArrayList<>(c.getCommand() == null ? List.of() : c.getCommand());
        words.addAll(c.getArgs() == null ? List.of() : c.getArgs());
        return words;
    }
}
