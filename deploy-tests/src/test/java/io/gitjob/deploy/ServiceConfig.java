package io.gitjob.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a service's {@code src/main/resources/application.properties} says: its settings (set, or documented
 * as a commented-out {@code # key=value} for settings without a default) and the Kafka channels it declares.
 */
final class ServiceConfig {

    private static final Pattern SET = Pattern.compile("^(%[\\w-]+\\.)?([A-Za-z][^=\\s]*)\\s*=(.*)$");
    private static final Pattern DOCUMENTED = Pattern.compile("^#\\s*((?:gitjob|quarkus|kafka|mp)\\.[^=\\s]+)=.*$");
    private static final Pattern CHANNEL = Pattern.compile("^mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.(.+)$");

    final String module;
    /** Keys without profile prefix; values of the default profile (null for documented-only keys). */
    final Map<String, String> keys = new LinkedHashMap<>();

    private ServiceConfig(String module) {
        this.module = module;
    }

    static ServiceConfig of(Path root, String module) {
        Path file = root.resolve(module).resolve("src/main/resources/application.properties");
        ServiceConfig config = new ServiceConfig(module);
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String raw : lines) {
            String line = raw.strip();
            Matcher set = SET.matcher(line);
            Matcher documented = DOCUMENTED.matcher(line);
            if (set.matches()) {
                String key = set.group(2);
                if (set.group(1) == null || !config.keys.containsKey(key)) {
                    config.keys.put(key, set.group(1) == null ? set.group(3).strip() : config.keys.get(key));
                }
            } else if (documented.matches()) {
                config.keys.putIfAbsent(documented.group(1), null);
            }
        }
        return config;
    }

    /** The environment variable MicroProfile Config maps to {@code key}. */
    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The key this environment variable sets, if the file has one. */
    String keyForEnv(String env) {
        return keys.keySet().stream().filter(k -> envName(k).equals(env)).findFirst().orElse(null);
    }

    int httpPort() {
        return Integer.parseInt(keys.get("quarkus.http.port"));
    }

    /**
     * The port of Quarkus' management interface ({@code /q/health}, {@code /q/metrics} apart from the HTTP port),
     * when {@code quarkus.management.enabled=true}: {@code quarkus.management.port}, Quarkus' default 9000 when unset.
     */
    java.util.OptionalInt managementPort() {
        if (!"true".equals(keys.get("quarkus.management.enabled"))) {
            return java.util.OptionalInt.empty();
        }
        String port = keys.get("quarkus.management.port");
        return java.util.OptionalInt.of(port == null ? 9000 : Integer.parseInt(port));
    }

    /**
     * The ACL entries ({@code topic:<name>:<Operation>}, {@code group:<name>:Read}) the declared channels need:
     * Read and Describe on consumed topics and Read on the group (default group: the application's name, as
     * Quarkus does), Write and Describe on produced topics.
     */
    Set<String> channelAcls() {
        Set<String> acls = new TreeSet<>();
        Map<String, Map<String, String>> incoming = channels("incoming");
        for (Map<String, String> channel : incoming.values()) {
            if (!"smallrye-kafka".equals(channel.get("connector"))) {
                continue;
            }
            Set<String> topics = new LinkedHashSet<>();
            if (channel.get("topic") != null) {
                topics.add(channel.get("topic"));
            }
            if (channel.get("topics") != null) {
                topics.addAll(List.of(channel.get("topics").split("\\s*,\\s*")));
            }
            for (String t : topics) {
                acls.add("topic:" + t + ":Read");
                acls.add("topic:" + t + ":Describe");
            }
            acls.add("group:" + channel.getOrDefault("group.id", keys.get("quarkus.application.name")) + ":Read");
        }
        for (Map<String, String> channel : channels("outgoing").values()) {
            if ("smallrye-kafka".equals(channel.get("connector"))) {
                acls.add("topic:" + channel.get("topic") + ":Write");
                acls.add("topic:" + channel.get("topic") + ":Describe");
            }
        }
        return acls;
    }

    /** group.id of every incoming Kafka channel. */
    Set<String> consumerGroups() {
        Set<String> groups = new TreeSet<>();
        channels("incoming").values().forEach(c -> groups.add(c.getOrDefault("group.id", keys.get("quarkus.application.name"))));
        return groups;
    }

    private Map<String, Map<String, String>> channels(String direction) {
        Map<String, Map<String, String>> channels = new LinkedHashMap<>();
        keys.forEach((key, value) -> {
            Matcher m = CHANNEL.matcher(key);
            if (m.matches() && m.group(1).equals(direction) && value != null) {
                channels.computeIfAbsent(m.group(2), c -> new LinkedHashMap<>()).put(m.group(3), value);
            }
        });
        return channels;
    }
}
