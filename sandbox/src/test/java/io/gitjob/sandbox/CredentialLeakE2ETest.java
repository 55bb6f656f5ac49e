package io.gitjob.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gitjob.gitrepo.GitRepo;

/**
 * Issue 16's proof that no credential leaves its Secret. The whole system runs as {@link FleetModeE2ETest} has it
 * (every service its own process, a real Kafka broker), once in fleet mode and once in kubectl mode; the cluster is
 * <b>Fabric8's mock API server in CRUD mode</b> standing in for a Kubernetes cluster (with Fleet, or without), and the sandbox's {@link JobRunner} stands in for
 * the Job controller, the kubelet (it resolves {@code $(GITJOB_REPO_URL)} from the Secret the cloner's env names,
 * as a kubelet does), {@code fleet gitcloner}/{@code fleet apply} and the garbage collector. A real JGit HTTP
 * server of the test serves the repository and takes any user.
 *
 * <p>Two GitRepos carry a credential in {@code spec.repo}, a token alone ({@code http://<token>@host/...}, GitHub's
 * and GitLab's way) and a user with a password ({@code oauth2:<password>@}). The first is driven through a Job
 * that succeeds, a force sync, a broken commit whose Job fails and is kept, and a delete; the second to a success.
 * Then the secrets are searched for in every record of every topic (keys, values, headers), every line every
 * process logged, every object the API server stores (of every kind, Secrets' data decoded) and every version of
 * the objects seen meanwhile (a succeeded Job is deleted at once, a status message may be overwritten), and each
 * service's {@code /q/metrics}. They may be only in the GitRepos' {@code spec} (where the user wrote them) and in
 * the Secrets job-service writes for the cloner's URL ({@code <gitrepo>-repo-url}, key {@code url}). The test
 * fails naming every other place.
 */
class CredentialLeakE2ETest {

    private static final Duration WAIT = SandboxUser.WAIT;
    private static final String NS = Sandbox.NAMESPACE;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The Secret job-service writes for a cloner's URL with credentials, and its one key. */
    private static final String URL_SECRET_SUFFIX = "-repo-url";
    private static final String URL_SECRET_KEY = "url";

    /** Kinds whose every version is recorded while the test runs (through the mock, never faulted). */
    private static final List<ResourceDefinitionContext> RECORDED = List.of(
            kind("", "v1", "Pod", "pods"), kind("", "v1", "Event", "events"), kind("", "v1", "ConfigMap", "configmaps"),
            kind("", "v1", "Secret", "secrets"), kind("", "v1", "ServiceAccount", "serviceaccounts"),
            kind("batch", "v1", "Job", "jobs"), kind("events.k8s.io", "v1", "Event", "events"),
            kind("rbac.authorization.k8s.io", "v1", "Role", "roles"),
            kind("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings"),
            kind("fleet.cattle.io", "v1alpha1", "GitRepo", "gitrepos"),
            kind("fleet.cattle.io", "v1alpha1", "Bundle", "bundles"),
            kind("fleet.cattle.io", "v1alpha1", "BundleDeployment", "bundledeployments"));

    /** Fleet's Job (fleet gitcloner, fleet apply) and the kubectl-mode template, each in a sandbox of its own. */
    @ParameterizedTest
    @ValueSource(strings = { "fleet", "kubectl" })
    void aCredentialInSpecRepoIsOnlyInTheGitRepoSpecAndTheClonersUrlSecret(String jobMode) throws Exception {
        String token = secret("ghp_");
        String password = secret("glpat-");
        SandboxConfig config = SandboxUser.testConfig("e2e-credential-leak-" + jobMode + "-work");
        config.jobMode = jobMode;
        List<String> console = Collections.synchronizedList(new ArrayList<>());
        Path repos = config.workDir.resolve("repos");
        Files.createDirectories(repos);
        List<String> findings = new ArrayList<>();
        Throwable flowStopped = null;
        try (GitHttpServer git = new GitHttpServer(repos);
                Sandbox sandbox = Sandbox.start(config, console::add);
                SandboxUser user = new SandboxUser(sandbox);
                ObjectRecorder recorder = new ObjectRecorder(sandbox.client())) {
            try {
                drive(sandbox, user, git, token, password);
            } catch (AssertionError | RuntimeException e) {
                // Searched all the same: what leaked on the way is what this test is for.
                flowStopped = e;
                for (String name : List.of("with-token", "with-password")) {
                    GitRepo left = sandbox.client().resources(GitRepo.class).inNamespace(NS).withName(name).get();
                    System.out.println("FLOW STOPPED; GitRepo " + name + " status: " + (left == null ? "gone"
                            : Serialization.asJson(left.getStatus()).replace(token, "<token>")
                                    .replace(password, "<password>")));
                }
            }
            boolean complete = flowStopped == null;
            Map<String, String> secrets = Map.of("token", token, "password", password);
            findings.addAll(searchTopics(sandbox.bootstrapServers(), secrets));
            findings.addAll(searchApiObjects(user.client(), secrets, complete));
            findings.addAll(searchRecorded(recorder.versions(), secrets, complete));
            for (Sandbox.Service service : Sandbox.Service.values()) {
                findings.addAll(search("/q/metrics of " + service.module, fetch(sandbox.url(service) + "/q/metrics"),
                        secrets));
            }
            findings.addAll(searchLogs(sandbox.workDir().resolve("logs"), List.copyOf(console), secrets));
        }
        // Printed whole: which places leak is what a reader of a failed run needs.
        findings.forEach(f -> System.out.println("CREDENTIAL LEAK " + f));
        if (flowStopped != null) {
            throw new AssertionError("the GitRepos' flow stopped before its end (" + flowStopped + "); "
                    + findings.size() + " places carried a credential until then", flowStopped);
        }
        assertEquals(List.of(), findings, findings.size() + " places carry a credential from spec.repo");
    }

    /** A success, a force sync, a failure kept and a delete of the token's GitRepo; a success of the password's. */
    private static void drive(Sandbox sandbox, SandboxUser user, GitHttpServer git, String token, String password) {
        KubernetesClient client = user.client();
        // A token alone as userinfo: a Job that succeeds.
        SampleRepo tokenRepo = user.repo("with-token");
        createGitRepo(sandbox, "with-token", tokenRepo, git.url(token, "with-token"));
        user.awaitApplied("with-token", SandboxUser.headOf(tokenRepo));
        assertTrue(client.secrets().inNamespace(NS).withName("with-token" + URL_SECRET_SUFFIX).get() != null,
                "job-service keeps the cloner's URL in a Secret of its own");

        // A user and a password: a Job that succeeds.
        SampleRepo basicRepo = user.repo("with-password");
        createGitRepo(sandbox, "with-password", basicRepo, git.url("oauth2:" + password, "with-password"));
        user.awaitApplied("with-password", SandboxUser.headOf(basicRepo));

        // A force sync: one more Job, applied again.
        int before = user.seen("with-token").size();
        user.editSpec("with-token", spec -> spec.setForceSyncGeneration(1L));
        await().atMost(WAIT).until(() -> user.seen("with-token").size() > before
                && Long.valueOf(1).equals(user.status("with-token").getUpdateGeneration()));
        user.awaitApplied("with-token", SandboxUser.headOf(tokenRepo));

        // A broken commit: its Job fails and is kept, the GitRepo Stalled with the Pod's message.
        tokenRepo.commit("broken", Map.of("deploy/configmap.yaml", SandboxUser.brokenYaml()));
        await().atMost(WAIT).until(() -> user.jobsOf("with-token").stream().anyMatch(SandboxUser::failed));
        await().atMost(WAIT).until(() -> user.status("with-token").getConditions().stream()
                .anyMatch(c -> "Stalled".equals(c.getType()) && "True".equals(c.getStatus())));

        // A delete: the GitRepo goes (Fleet's finalizer, its Bundles purged) and its series with it.
        user.delete("with-token");
        await().atMost(WAIT).until(() -> client.resources(GitRepo.class).inNamespace(NS).withName("with-token")
                .get() == null);
        await().atMost(WAIT).until(() -> SandboxUser.seriesOf(user.scrape(), "with-token").isEmpty());
        await().atMost(WAIT).until(() -> user.jobsOf("with-token").isEmpty());
    }

    // ---- the GitRepos ----

    private static void createGitRepo(Sandbox sandbox, String name, SampleRepo repo, String url) {
        GitRepo gitRepo = sandbox.gitRepo(name, repo, List.of("deploy"), Map.of());
        gitRepo.getSpec().setRepo(url);
        sandbox.client().resource(gitRepo).create();
    }

    /** A secret no other text in the system can contain by chance: letters and digits only, so no encoding alters it. */
    private static String secret(String prefix) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder b = new StringBuilder(prefix.replaceAll("[^A-Za-z0-9]", ""));
        for (int i = 0; i < 32; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    // ---- where it is searched ----

    /** Every record of every topic the broker has, from its beginning: key, value, each header's key and value. */
    private static List<String> searchTopics(String bootstrap, Map<String, String> secrets) throws Exception {
        Set<String> topics;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            topics = new TreeSet<>(admin.listTopics().names().get());
        }
        assertTrue(topics.containsAll(io.gitjob.events.Topics.all().stream().map(t -> t.name()).toList()), topics::toString);
        List<String> findings = new ArrayList<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            for (String topic : topics) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                long read = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                    assertTrue(System.nanoTime() < deadline, "read " + topic + " to its end");
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        read++;
                        String where = topic + "/" + r.partition() + "@" + r.offset();
                        findings.addAll(search(where + " key", text(r.key()), secrets));
                        findings.addAll(search(where + " value", text(r.value()), secrets));
                        for (Header h : r.headers()) {
                            findings.addAll(search(where + " header " + h.key(), h.key() + "=" + text(h.value()),
                                    secrets));
                        }
                    }
                }
                if (topic.equals(io.gitjob.events.Topics.GITREPO_EVENTS)) {
                    assertTrue(read > 0, "gitrepo-events has the GitRepos' events");
                }
            }
        }
        return findings;
    }

    /**
     * Every object the mock API server stores, whatever its kind ({@code /_objects}), without the GitRepos' spec
     * and the cloner's URL Secrets; every Secret's data decoded.
     */
    private static List<String> searchApiObjects(KubernetesClient client, Map<String, String> secrets,
            boolean complete) {
        String all = fetch(client.getMasterUrl().toString().replaceAll("/$", "") + SandboxCrudDispatcher.OBJECTS_PATH);
        JsonNode objects = read(all);
        assertTrue(objects.isArray() && objects.size() > 0, "the API server's objects");
        List<String> findings = new ArrayList<>();
        // The places allowed to carry the password, searched as the rest: proof that the search sees it where it is.
        Set<String> controls = new TreeSet<>();
        for (JsonNode object : objects) {
            ObjectNode copy = object.deepCopy();
            String where = "API object " + copy.path("apiVersion").asText() + " " + copy.path("kind").asText() + " "
                    + copy.path("metadata").path("namespace").asText() + "/" + copy.path("metadata").path("name")
                    .asText();
            boolean allowed = isUrlSecret(copy) || "GitRepo".equals(copy.path("kind").asText());
            if (allowed && !search(where, decoded(copy.deepCopy()), Map.of("password", secrets.get("password")))
                    .isEmpty()) {
                controls.add(copy.path("kind").asText() + " " + copy.path("metadata").path("name").asText());
            }
            if (isUrlSecret(copy)) {
                continue;
            }
            findings.addAll(search(where, allowedRemoved(copy), secrets));
        }
        if (complete) {
            assertEquals(Set.of("GitRepo with-password", "Secret with-password" + URL_SECRET_SUFFIX), controls,
                    "the password where it may be: the search sees it there");
        }
        return findings;
    }

    /** Every version of the recorded kinds seen while the test ran, deleted objects' too. */
    private static List<String> searchRecorded(List<GenericKubernetesResource> versions,
            Map<String, String> secrets, boolean complete) {
        List<String> findings = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        boolean control = false;
        for (GenericKubernetesResource version : versions) {
            ObjectNode object = (ObjectNode) read(Serialization.asJson(version));
            // The token's GitRepo as the user wrote it: proof that the recorder saw it and the search sees through.
            control |= "GitRepo".equals(version.getKind()) && "with-token".equals(version.getMetadata().getName())
                    && !search("control", object.toString(), Map.of("token", secrets.get("token"))).isEmpty();
            if (isUrlSecret(object)) {
                continue;
            }
            String where = "a version seen of " + version.getKind() + " " + version.getMetadata().getNamespace() + "/"
                    + version.getMetadata().getName();
            for (String finding : search(where, allowedRemoved(object), secrets)) {
                if (seen.add(finding)) {
                    findings.add(finding);
                }
            }
        }
        assertTrue(control || !complete, "the token's GitRepo among the recorded versions");
        assertTrue(versions.stream().anyMatch(v -> "Job".equals(v.getKind())) || !complete, "Jobs were recorded");
        return findings;
    }

    /** Every log line of every process (the services', the broker's, the API server's) and the sandbox's own. */
    private static List<String> searchLogs(Path logs, List<String> console, Map<String, String> secrets)
            throws IOException {
        List<String> findings = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(logs)) {
            files = list.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("watcher-service.log")), files::toString);
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                findings.addAll(search("log " + file.getFileName() + ":" + (i + 1), lines.get(i), secrets));
            }
        }
        // The launcher's own lines (the Job runner's, the sandbox's): what the stand-ins for the cluster said.
        for (String line : console) {
            findings.addAll(search("sandbox console", line, secrets));
        }
        return findings;
    }

    /** Each secret found in {@code text}, with the place and a little of the text around it (the secret masked). */
    private static List<String> search(String where, String text, Map<String, String> secrets) {
        List<String> findings = new ArrayList<>();
        if (text == null) {
            return findings;
        }
        secrets.forEach((what, secret) -> {
            int at = text.indexOf(secret);
            if (at >= 0) {
                String around = text.substring(Math.max(0, at - 160), Math.min(text.length(), at + secret.length() + 80))
                        .replace(secret, "<" + what + ">");
                findings.add(where + ": the " + what + " in «" + around.replace('\n', ' ') + "»");
            }
        });
        return findings;
    }

    // ---- what is allowed to carry it ----

    /** job-service's Secret for the cloner's URL: named {@code <gitrepo>-repo-url}, with the key {@code url}. */
    private static boolean isUrlSecret(JsonNode object) {
        return "Secret".equals(object.path("kind").asText())
                && object.path("metadata").path("name").asText().endsWith(URL_SECRET_SUFFIX)
                && (object.path("data").has(URL_SECRET_KEY) || object.path("stringData").has(URL_SECRET_KEY));
    }

    /**
     * The object as text for the search: a GitRepo without its spec (the user wrote the URL there), any Secret
     * with its data decoded (base64 would hide the secret from a plain search).
     */
    private static String allowedRemoved(ObjectNode object) {
        if ("GitRepo".equals(object.path("kind").asText())) {
            object.remove("spec");
        }
        return decoded(object);
    }

    /** The object as text, a Secret's data decoded. */
    private static String decoded(ObjectNode object) {
        if ("Secret".equals(object.path("kind").asText()) && object.get("data") instanceof ObjectNode data) {
            Map<String, String> decoded = new LinkedHashMap<>();
            data.fields().forEachRemaining(e -> decoded.put(e.getKey(), new String(
                    Base64.getMimeDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8)));
            decoded.forEach(data::put);
        }
        return object.toString();
    }

    // ---- helpers ----

    private static ResourceDefinitionContext kind(String group, String version, String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fetch(String url) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .header("Accept", "text/plain, application/json").timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), url);
            assertFalse(response.body().isEmpty(), url);
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Informers on {@link #RECORDED} in every namespace, keeping every version they are handed. */
    private static final class ObjectRecorder implements AutoCloseable {

        private final List<GenericKubernetesResource> versions = Collections.synchronizedList(new ArrayList<>());
        private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();

        ObjectRecorder(KubernetesClient client) {
            for (ResourceDefinitionContext kind : RECORDED) {
                informers.add(client.genericKubernetesResources(kind).inAnyNamespace().inform(
                        new ResourceEventHandler<>() {
                            @Override
                            public void onAdd(GenericKubernetesResource object) {
                                versions.add(object);
                            }

                            @Override
                            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource object) {
                                versions.add(object);
                            }

                            @Override
                            public void onDelete(GenericKubernetesResource object, boolean unknownFinalState) {
                                versions.add(object);
                            }
                        }, 0));
            }
        }

        List<GenericKubernetesResource> versions() {
            synchronized (versions) {
                return List.copyOf(versions);
            }
        }

        @Override
        public void close() {
            informers.forEach(SharedIndexInformer::stop);
        }
    }
}
