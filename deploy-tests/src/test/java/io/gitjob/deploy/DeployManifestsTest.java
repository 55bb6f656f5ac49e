package io.gitjob.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.gitjob.events.TopicSpec;
import io.gitjob.events.Topics;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerAuthenticationTls;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserTlsClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;

/**
 * Renders every overlay of deploy/ (kubectl kustomize, or {@link MiniKustomize} without kubectl), loads every
 * manifest into its typed model and checks it against the code: the event model's topics, each service's
 * application.properties (port, settings, Kafka channels), and the RBAC the services' Kubernetes calls need.
 */
class DeployManifestsTest {

    static final Path ROOT = ProjectRoot.find();
    static final String NS = "gitjob-system";
    static final String KAFKA = "gitjob";

    /** A service, its module, its ServiceAccount, and its workload (a Deployment, or the janitor's CronJob). */
    enum Service {
        WATCHER("watcher-service", "gitjob-watcher"),
        JOB("job-service", "gitjob-job-service"),
        METRICS("metrics-service", "gitjob-metrics"),
        JANITOR("janitor-service", "gitjob-janitor");

        final String module;
        final String serviceAccount;

        Service(String module, String serviceAccount) {
            this.module = module;
            this.serviceAccount = serviceAccount;
        }

        ServiceConfig config() {
            return ServiceConfig.of(ROOT, module);
        }

        boolean isDeployment() {
            return this != JANITOR;
        }
    }

    /**
     * Kafka access a service has beyond its SmallRye channels: the watcher's plain clients on the compacted
     * gitrepo-state topic (io.gitjob.watcher.state.StateTopic writes every GitRepo's state and reads whole
     * partitions of it, without a consumer group).
     */
    static final Map<Service, Set<String>> PLAIN_CLIENT_ACLS = Map.of(
            Service.WATCHER, Set.of("topic:gitrepo-state:Read", "topic:gitrepo-state:Write",
                    "topic:gitrepo-state:Describe"));

    /**
     * The RBAC per ServiceAccount, as {@code scope|apiGroup|resource|verb} (scope: "cluster" or the RoleBinding's
     * namespace; a rule limited to resourceNames as {@code resource[name]}). The code's calls are the truth:
     * issue 9's list, plus jobs get (ClusterState.job) and patch (ActionExecutor marks a failed Job reported),
     * plus issue 15's (Fleet's per-GitRepo ServiceAccount/Role/RoleBinding, the finalizer, Bundles, Events,
     * kubectl mode's RoleBinding to gitjob-apply), less issue 17's unused ones (job-service reads Pods only by
     * label: informer and list, no get; the janitor only lists GitRepos, no get). deploy/base/rbac/*.yaml says
     * why each is there.
     */
    static final Map<String, Set<String>> RBAC = Map.of(
            "gitjob-watcher", union(
                    rules("cluster", "fleet.cattle.io", "gitrepos", "get", "list", "watch", "patch"),
                    rules("cluster", "fleet.cattle.io", "gitrepos/status", "patch"),
                    rules("cluster", "events.k8s.io", "events", "create", "patch"),
                    // GitCredentials: one Secret by name, in whichever namespace the GitRepo is (all are watched).
                    rules("cluster", "", "secrets", "get"),
                    // Issue 16: Fleet's and Rancher's settings, one object by name each (GitCredentials,
                    // WebhookSecrets): the known-hosts ConfigMap, the global webhook Secret, Rancher's CA bundle.
                    rules("cluster", "", "configmaps[known-hosts]", "get"),
                    rules("cluster", "", "secrets[gitjob-webhook]", "get"),
                    rules("cluster", "", "secrets[tls-ca]", "get"),
                    rules("cluster", "", "secrets[tls-ca-additional]", "get")),
            "gitjob-job-service", union(
                    rules("cluster", "batch", "jobs", "create", "delete", "list", "watch", "get", "patch"),
                    rules("cluster", "", "pods", "list", "watch"),
                    rules("cluster", "fleet.cattle.io", "gitrepos", "get", "list", "watch", "patch", "update"),
                    rules("cluster", "fleet.cattle.io", "gitrepos/status", "patch"),
                    rules("cluster", "fleet.cattle.io", "gitrepos/finalizers", "update"),
                    // Issue 18: the prerequisites from informers (ClusterCache), read again only after a 409.
                    rules("cluster", "", "serviceaccounts", "get", "list", "watch", "create", "update", "patch"),
                    rules("cluster", "", "configmaps", "get", "list", "watch", "create", "update", "patch"),
                    rules("cluster", "", "secrets", "get", "list", "watch", "create", "update", "patch", "delete"),
                    rules("cluster", "rbac.authorization.k8s.io", "roles", "get", "list", "watch", "create", "update",
                            "patch"),
                    rules("cluster", "rbac.authorization.k8s.io", "rolebindings", "get", "list", "watch", "create",
                            "update", "patch", "delete"),
                    rules("cluster", "rbac.authorization.k8s.io", "clusterroles[gitjob-apply]", "bind"),
                    rules("cluster", "fleet.cattle.io", "bundles", "get", "list", "watch", "create", "update",
                            "delete"),
                    rules("cluster", "fleet.cattle.io", "bundledeployments", "list", "watch"),
                    rules("cluster", "fleet.cattle.io", "imagescans", "list", "delete"),
                    rules("cluster", "", "namespaces", "delete"),
                    rules("cluster", "events.k8s.io", "events", "create", "patch"),
                    rules("cluster", "", "events", "create")),
            "gitjob-janitor", union(
                    rules("cluster", "batch", "jobs", "list", "delete"),
                    rules("cluster", "fleet.cattle.io", "gitrepos", "list")),
            // Informers on every Job and GitRepo (io.gitjob.metrics.ClusterInformers): list and watch, nothing else.
            "gitjob-metrics", union(
                    rules("cluster", "batch", "jobs", "list", "watch"),
                    rules("cluster", "fleet.cattle.io", "gitrepos", "list", "watch")));

    /**
     * The Role Fleet {@value io.gitjob.gitrepo.FleetConventions#FLEET_VERSION}'s gitjob gives each GitRepo's
     * ServiceAccount git-&lt;name&gt; (internal/cmd/controller/gitops/reconciler/rbac.go, imagescan off as in
     * Fleet's chart), as {@code apiGroup|resource|verb}. job-service writes that Role, and Kubernetes lets it
     * only if it holds every one of these itself (it has no escalate).
     */
    static final Set<String> FLEET_GITREPO_ROLE = union(
            rules("", "fleet.cattle.io", "bundles", "get", "create", "update", "list", "delete"),
            rules("", "fleet.cattle.io", "gitrepos", "get"),
            rules("", "", "secrets", "get", "create", "update", "delete"),
            rules("", "", "events", "create"));

    /**
     * What a kubectl-mode Job may do in its GitRepo's namespace (ClusterRole gitjob-apply, deploy/base/rbac/
     * job-apply.yaml): an application's namespaced kinds with the verbs of kubectl apply, --prune and --wait.
     */
    static final Set<String> APPLY_VERBS = Set.of("get", "list", "watch", "create", "update", "patch", "delete");
    static final Map<String, Set<String>> APPLY_KINDS = Map.of(
            "", Set.of("configmaps", "secrets", "services", "serviceaccounts", "persistentvolumeclaims", "pods"),
            "apps", Set.of("deployments", "statefulsets", "daemonsets"),
            "batch", Set.of("jobs", "cronjobs"),
            "autoscaling", Set.of("horizontalpodautoscalers"),
            "policy", Set.of("poddisruptionbudgets"),
            "networking.k8s.io", Set.of("ingresses", "networkpolicies"));

    static Manifests render(String overlay) {
        return new Manifests(overlay, KustomizeRender.render(ROOT.resolve("deploy/overlays").resolve(overlay)));
    }

    static List<String> overlays() {
        return Manifests.overlays().toList();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyManifestLoadsIntoItsTypedModelWithoutUnknownFields(String overlay) {
        Manifests m = render(overlay);
        assertFalse(m.typed.isEmpty());
        assertEquals(List.of(), m.unknownFields(), overlay + ": fields the models do not know (misspelt?)");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void topicsAreTheEventModelsWithItsPartitionsAndConfig(String overlay) {
        Manifests m = render(overlay);
        Map<String, KafkaTopic> topics = m.all(KafkaTopic.class).stream()
                .collect(Collectors.toMap(t -> t.getSpec().getTopicName(), t -> t));
        assertEquals(Topics.all().stream().map(TopicSpec::name).collect(Collectors.toSet()), topics.keySet());
        int brokers = brokers(m);
        for (TopicSpec spec : Topics.all()) {
            KafkaTopic topic = topics.get(spec.name());
            assertEquals(KAFKA, topic.getMetadata().getLabels().get("strimzi.io/cluster"));
            assertEquals(spec.partitions(), topic.getSpec().getPartitions(), spec.name());
            spec.config().forEach((key, value) -> assertEquals(value,
                    String.valueOf(topic.getSpec().getConfig().get(key)), spec.name() + " " + key));
            int replicas = topic.getSpec().getReplicas();
            assertTrue(replicas <= brokers, spec.name() + ": more replicas than brokers");
            Object minIsr = topic.getSpec().getConfig().get("min.insync.replicas");
            if (replicas > 1) {
                assertNotNull(minIsr, spec.name() + ": min.insync.replicas with " + replicas + " replicas");
                assertTrue(Integer.parseInt(minIsr.toString()) < replicas, "one broker may be down");
            }
        }
        assertEquals("compact", topics.get(Topics.GITREPO_STATE).getSpec().getConfig().get("cleanup.policy"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kafkaRunsInKraftModeOnNodePoolsWithTlsClientsAndAcls(String overlay) {
        Manifests m = render(overlay);
        Kafka kafka = m.one(Kafka.class, KAFKA);
        assertEquals(overlay.equals("production") ? 3 : 1, brokers(m));
        for (KafkaNodePool pool : m.all(KafkaNodePool.class)) {
            assertEquals(KAFKA, pool.getMetadata().getLabels().get("strimzi.io/cluster"));
            assertTrue(pool.getSpec().getRoles().contains(ProcessRoles.CONTROLLER), "KRaft controllers");
        }
        assertEquals("simple", kafka.getSpec().getKafka().getAuthorization().getType());
        assertEquals(false, kafka.getSpec().getKafka().getConfig().get("auto.create.topics.enable"));
        GenericKafkaListener tls = kafka.getSpec().getKafka().getListeners().stream()
                .filter(l -> l.getPort() == 9093).findFirst().orElseThrow();
        assertTrue(tls.isTls());
        assertTrue(tls.getAuth() instanceof KafkaListenerAuthenticationTls);
        assertEquals(1, kafka.getSpec().getKafka().getListeners().size(), "no listener without authentication");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void deploymentsProbeHealthOnThePortThatServesIt(String overlay) {
        Manifests m = render(overlay);
        for (Service service : Service.values()) {
            if (!service.isDeployment()) {
                continue;
            }
            Container c = container(m.one(Deployment.class, service.module).getSpec().getTemplate().getSpec());
            int httpPort = service.config().httpPort();
            assertTrue(c.getPorts().stream().anyMatch(p -> p.getContainerPort() == httpPort),
                    service.module + ": a container port for quarkus.http.port " + httpPort);
            // /q/* is on the management interface where the service has one (the watcher), else on the HTTP port.
            int healthPort = service.config().managementPort().orElse(httpPort);
            assertEquals(service.config().managementPort().isPresent(), c.getPorts().stream()
                    .anyMatch(p -> "management".equals(p.getName()) && p.getContainerPort() == healthPort),
                    service.module + ": a container port named management exactly when quarkus.management is on");
            assertNotNull(c.getLivenessProbe(), service.module + " liveness probe");
            assertNotNull(c.getReadinessProbe(), service.module + " readiness probe");
            assertProbe(c, c.getLivenessProbe().getHttpGet(), "/q/health/live", healthPort, service);
            assertProbe(c, c.getReadinessProbe().getHttpGet(), "/q/health/ready", healthPort, service);
            if (c.getStartupProbe() != null) {
                assertProbe(c, c.getStartupProbe().getHttpGet(), "/q/health/live", healthPort, service);
            }
            assertNotNull(c.getResources().getRequests().get("memory"), service.module + " memory request");
            assertNotNull(c.getResources().getLimits().get("memory"), service.module + " memory limit");
            assertNotNull(c.getResources().getRequests().get("cpu"), service.module + " cpu request");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyEnvironmentVariableIsASettingOfItsService(String overlay) {
        Manifests m = render(overlay);
        Set<String> kafkaClientSettings = new TreeSet<>(ConsumerConfig.configNames());
        kafkaClientSettings.retainAll(ProducerConfig.configNames());
        List<String> wrong = new ArrayList<>();
        for (Service service : Service.values()) {
            ServiceConfig config = service.config();
            for (EnvVar env : container(podSpec(m, service)).getEnv()) {
                String name = env.getName();
                // Quarkus hands kafka.* to every Kafka client of the service, KAFKA_SSL_KEYSTORE_LOCATION as
                // ssl.keystore.location: it must be a setting Kafka's producer and consumer both know.
                boolean kafkaClient = name.startsWith("KAFKA_")
                        && kafkaClientSettings.contains(name.substring(6).toLowerCase().replace('_', '.'));
                if (config.keyForEnv(name) == null && !kafkaClient) {
                    wrong.add(service.module + ": " + name);
                }
            }
        }
        assertEquals(List.of(), wrong, "environment variables that set nothing");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceUsesItsOwnKafkaUsersCertificate(String overlay) {
        Manifests m = render(overlay);
        for (Service service : Service.values()) {
            PodSpec pod = podSpec(m, service);
            Map<String, String> env = container(pod).getEnv().stream().filter(e -> e.getValue() != null)
                    .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
            assertEquals("SSL", env.get("KAFKA_SECURITY_PROTOCOL"), service.module);
            assertEquals(KAFKA + "-kafka-bootstrap:9093", env.get("KAFKA_BOOTSTRAP_SERVERS"), service.module);
            var keystorePassword = container(pod).getEnv().stream()
                    .filter(e -> e.getName().equals("KAFKA_SSL_KEYSTORE_PASSWORD")).findFirst().orElseThrow()
                    .getValueFrom().getSecretKeyRef();
            assertEquals(service.module, keystorePassword.getName(), "the KafkaUser's secret");
            assertEquals("user.password", keystorePassword.getKey());
            Set<String> secrets = pod.getVolumes().stream().filter(v -> v.getSecret() != null)
                    .map(v -> v.getSecret().getSecretName()).collect(Collectors.toSet());
            assertEquals(Set.of(service.module, KAFKA + "-cluster-ca-cert"), secrets, service.module);
            KafkaUser user = m.one(KafkaUser.class, service.module);
            assertTrue(user.getSpec().getAuthentication() instanceof KafkaUserTlsClientAuthentication);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kafkaUserAclsAreExactlyWhatEachServiceProducesAndConsumes(String overlay) {
        Manifests m = render(overlay);
        for (Service service : Service.values()) {
            Set<String> expected = new TreeSet<>(service.config().channelAcls());
            expected.addAll(PLAIN_CLIENT_ACLS.getOrDefault(service, Set.of()));
            assertEquals(expected, acls(m.one(KafkaUser.class, service.module)), service.module);
        }
        // KEDA's scaler: Describe on the autoscaled groups and the topics they consume, nothing else.
        Set<String> keda = new TreeSet<>();
        for (Service service : List.of(Service.JOB, Service.METRICS)) {
            service.config().channelAcls().stream().filter(a -> a.endsWith(":Read"))
                    .forEach(a -> keda.add(a.replace(":Read", ":Describe")));
        }
        assertEquals(keda, acls(m.one(KafkaUser.class, "keda-scaler")));
        Set<String> users = m.all(KafkaUser.class).stream().map(u -> u.getMetadata().getName())
                .collect(Collectors.toSet());
        assertEquals(Set.of("watcher-service", "job-service", "metrics-service", "janitor-service", "keda-scaler",
                "gitjob-operator"), users);
        // People's user (deploy/tools/kafka-client.yaml): reads every topic, writes none, uses its own groups
        // and may reset the services' groups.
        Set<String> operator = new TreeSet<>();
        for (TopicSpec t : Topics.all()) {
            operator.add("topic:" + t.name() + ":Read");
            operator.add("topic:" + t.name() + ":Describe");
        }
        for (String g : List.of("gitjob-debug-*", "watcher-service", "job-service", "metrics-service")) {
            operator.add("group:" + g + ":Read");
            operator.add("group:" + g + ":Describe");
        }
        assertEquals(operator, acls(m.one(KafkaUser.class, "gitjob-operator")));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void rbacIsExactlyTheListPerServiceAccount(String overlay) {
        Manifests m = render(overlay);
        Map<String, Set<String>> granted = new TreeMap<>();
        RBAC.keySet().forEach(sa -> granted.put(sa, new TreeSet<>()));
        for (ClusterRoleBinding b : m.all(ClusterRoleBinding.class)) {
            grant(m, granted, "cluster", b.getRoleRef(), b.getSubjects(), null);
        }
        for (RoleBinding b : m.all(RoleBinding.class)) {
            grant(m, granted, b.getMetadata().getNamespace(), b.getRoleRef(), b.getSubjects(),
                    b.getMetadata().getNamespace());
        }
        assertEquals(new TreeMap<>(RBAC), granted);
        assertEquals(Set.of("gitjob-watcher", "gitjob-job-service", "gitjob-metrics", "gitjob-janitor"),
                m.all(ServiceAccount.class).stream().map(s -> s.getMetadata().getName()).collect(Collectors.toSet()));
        // metrics-service's informers need its token: neither its ServiceAccount nor its pod may turn it off.
        assertFalse(Boolean.FALSE.equals(m.one(ServiceAccount.class, "gitjob-metrics").getAutomountServiceAccountToken()));
        assertFalse(Boolean.FALSE.equals(podSpec(m, Service.METRICS).getAutomountServiceAccountToken()));
        for (Service service : Service.values()) {
            assertEquals(service.serviceAccount, podSpec(m, service).getServiceAccountName(), service.module);
        }
        // The watcher reads Git credentials exactly where it watches: every namespace unless a list is set.
        Set<String> watched = container(podSpec(m, Service.WATCHER)).getEnv().stream()
                .filter(e -> e.getName().equals("GITJOB_WATCHER_NAMESPACES")).findFirst()
                .map(e -> Set.of(e.getValue().split(","))).orElse(Set.of("cluster"));
        Set<String> secretNamespaces = granted.get("gitjob-watcher").stream().filter(r -> r.contains("|secrets|"))
                .map(r -> r.substring(0, r.indexOf('|'))).collect(Collectors.toSet());
        assertEquals(watched, secretNamespaces);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void janitorIsFleetsCronJobRunningOnce(String overlay) {
        Manifests m = render(overlay);
        CronJob cron = m.one(CronJob.class, "fleet-cleanup-gitrepo-jobs");
        assertEquals("@daily", cron.getSpec().getSchedule());
        assertEquals("Forbid", cron.getSpec().getConcurrencyPolicy());
        PodSpec pod = cron.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
        assertEquals("Never", pod.getRestartPolicy());
        Container c = container(pod);
        assertEquals(List.of("--once"), c.getArgs());
        assertTrue(c.getCommand() == null || c.getCommand().isEmpty(), "the image's entrypoint runs the jar");
        String schedule = c.getEnv().stream().filter(e -> e.getName().equals("GITJOB_JANITOR_SCHEDULE"))
                .findFirst().orElseThrow().getValue();
        assertEquals("off", schedule, "the process must not also schedule itself");
        assertTrue(m.all(Deployment.class).stream().noneMatch(d -> d.getMetadata().getName().equals("janitor-service")));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyPodRunsNonRootReadOnlyWithoutPrivilegeEscalation(String overlay) {
        Manifests m = render(overlay);
        for (Service service : Service.values()) {
            PodSpec pod = podSpec(m, service);
            for (Container c : pod.getContainers()) {
                var sc = c.getSecurityContext();
                boolean nonRoot = Boolean.TRUE.equals(sc.getRunAsNonRoot())
                        || pod.getSecurityContext() != null && Boolean.TRUE.equals(pod.getSecurityContext().getRunAsNonRoot());
                assertTrue(nonRoot, service.module + " non-root");
                assertEquals(true, sc.getReadOnlyRootFilesystem(), service.module + " read-only root fs");
                assertEquals(false, sc.getAllowPrivilegeEscalation(), service.module + " privilege escalation");
                assertEquals(List.of("ALL"), sc.getCapabilities().getDrop(), service.module + " capabilities");
                assertTrue(c.getVolumeMounts().stream().anyMatch(v -> v.getMountPath().equals("/tmp")),
                        service.module + ": a writable /tmp");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyDeploymentHasADisruptionBudgetThatLetsADrainThrough(String overlay) {
        Manifests m = render(overlay);
        for (Deployment d : m.all(Deployment.class)) {
            Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
            List<PodDisruptionBudget> pdbs = m.all(PodDisruptionBudget.class).stream()
                    .filter(p -> podLabels.entrySet().containsAll(p.getSpec().getSelector().getMatchLabels().entrySet()))
                    .toList();
            assertEquals(1, pdbs.size(), d.getMetadata().getName());
            PodDisruptionBudget pdb = pdbs.get(0);
            assertNotNull(pdb.getSpec().getMaxUnavailable(), "maxUnavailable, so one replica never blocks a drain");
            assertTrue(pdb.getSpec().getMaxUnavailable().getIntVal() >= 1);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void neverMoreReplicasThanPartitions(String overlay) {
        Manifests m = render(overlay);
        int partitions = m.all(KafkaTopic.class).stream().mapToInt(t -> t.getSpec().getPartitions()).min().orElseThrow();
        assertEquals(Topics.DEFAULT_PARTITIONS, partitions);
        for (Deployment d : m.all(Deployment.class)) {
            Integer replicas = d.getSpec().getReplicas();
            assertTrue(replicas == null || replicas <= partitions, d.getMetadata().getName());
        }
        Set<String> scaled = new TreeSet<>();
        for (GenericKubernetesResource so : m.generic("ScaledObject")) {
            Map<String, Object> spec = so.get("spec");
            int max = ((Number) spec.get("maxReplicaCount")).intValue();
            int min = ((Number) spec.get("minReplicaCount")).intValue();
            assertTrue(min >= 1 && min <= max && max <= partitions, so.getMetadata().getName());
            String target = (String) ((Map<?, ?>) spec.get("scaleTargetRef")).get("name");
            scaled.add(target);
            Deployment d = m.one(Deployment.class, target);
            assertEquals(null, d.getSpec().getReplicas(), target + ": KEDA owns the replica count");
            Service service = Service.valueOf(target.replace("-service", "").toUpperCase());
            for (Object t : (List<?>) spec.get("triggers")) {
                Map<?, ?> trigger = (Map<?, ?>) t;
                Map<?, ?> meta = (Map<?, ?>) trigger.get("metadata");
                assertEquals("kafka", trigger.get("type"));
                assertTrue(service.config().consumerGroups().contains((String) meta.get("consumerGroup")), target);
                assertEquals("false", meta.get("allowIdleConsumers"));
            }
        }
        assertEquals(Set.of("job-service", "metrics-service"), scaled);
        assertTrue(m.generic("HorizontalPodAutoscaler").isEmpty(), "KEDA makes the HPAs itself");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void monitoringScrapesTheServicesAndAlertsOnWhatIssue9Lists(String overlay) throws Exception {
        Manifests m = render(overlay);
        for (Service s : Service.values()) {
            List<String> endpoints = new ArrayList<>();
            Map<String, String> podLabels = s.isDeployment()
                    ? m.one(Deployment.class, s.module).getSpec().getTemplate().getMetadata().getLabels() : Map.of();
            for (GenericKubernetesResource monitor : m.generic("PodMonitor")) {
                Map<String, Object> spec = monitor.get("spec");
                if (selects((Map<?, ?>) spec.get("selector"), podLabels)) {
                    for (Object e : (List<?>) spec.get("podMetricsEndpoints")) {
                        Map<?, ?> endpoint = (Map<?, ?>) e;
                        endpoints.add(endpoint.get("port") + " " + endpoint.get("path"));
                    }
                }
            }
            if (!s.isDeployment()) {
                assertEquals(List.of(), endpoints, s.module + ": its CronJob's pods exit after their run");
                continue;
            }
            // The port that serves /q/metrics, by its name, and no other port of the pod (a scrape of the
            // watcher's webhook port would be a target always down).
            Container c = container(podSpec(m, s));
            int metricsPort = s.config().managementPort().orElse(s.config().httpPort());
            String portName = c.getPorts().stream().filter(p -> p.getContainerPort() == metricsPort)
                    .map(p -> p.getName()).findFirst().orElseThrow();
            assertEquals(List.of(portName + " /q/metrics"), endpoints, s.module);
        }
        String rules = new ObjectMapper().writeValueAsString(m.generic("PrometheusRule").get(0).getAdditionalProperties());
        for (String alert : List.of("GitJobFailedJobsPilingUp", "GitJobJanitorNotRun", "GitJobConsumerLagGrowing",
                "GitJobCreationFailing")) {
            assertTrue(rules.contains("\"alert\":\"" + alert + "\""), alert);
        }
        assertTrue(rules.contains("26 * 3600"));
        var dashboard = m.one(io.fabric8.kubernetes.api.model.ConfigMap.class, "gitjob-grafana-dashboard");
        JsonNode json = new ObjectMapper().readTree(dashboard.getData().get("gitjob-dashboard.json"));
        assertTrue(json.get("panels").size() >= 6);
        json.get("panels").forEach(p -> assertTrue(p.get("targets").size() >= 1, p.get("title").asText()));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceHasAJvmDockerfileForTheFastJar(String overlay) throws Exception {
        for (Service s : Service.values()) {
            Path dockerfile = ROOT.resolve(s.module).resolve("src/main/docker/Dockerfile.jvm");
            String text = Files.readString(dockerfile);
            assertTrue(text.contains("target/quarkus-app/lib/") && text.contains("USER 185"), s.module);
            Set<String> exposed = text.lines().filter(l -> l.startsWith("EXPOSE "))
                    .flatMap(l -> Stream.of(l.substring("EXPOSE ".length()).trim().split("\\s+")))
                    .collect(Collectors.toSet());
            Set<String> ports = new TreeSet<>(Set.of(Integer.toString(s.config().httpPort())));
            s.config().managementPort().ifPresent(p -> ports.add(Integer.toString(p)));
            assertEquals(ports, exposed, s.module + ": EXPOSE the HTTP port and the management port, if any");
        }
    }

    @org.junit.jupiter.api.Test
    void theKafkaClientPodForPeopleUsesTheReadOnlyOperatorUser() throws Exception {
        Manifests m = new Manifests("tools", Yaml.documents(Files.readString(ROOT.resolve("deploy/tools/kafka-client.yaml"))));
        assertEquals(List.of(), m.unknownFields());
        var pod = m.one(io.fabric8.kubernetes.api.model.Pod.class, "gitjob-kafka-client");
        Set<String> secrets = pod.getSpec().getVolumes().stream().filter(v -> v.getSecret() != null)
                .map(v -> v.getSecret().getSecretName()).collect(Collectors.toSet());
        assertEquals(Set.of("gitjob-operator", KAFKA + "-cluster-ca-cert"), secrets);
        var sc = pod.getSpec().getContainers().get(0).getSecurityContext();
        assertEquals(true, sc.getReadOnlyRootFilesystem());
        assertEquals(false, sc.getAllowPrivilegeEscalation());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void jobServiceHoldsEveryPermissionOfTheRolesItWrites(String overlay) {
        Manifests m = render(overlay);
        Set<String> jobService = new TreeSet<>();
        for (ClusterRoleBinding b : m.all(ClusterRoleBinding.class)) {
            if (b.getSubjects().stream().anyMatch(s -> s.getName().equals("gitjob-job-service"))) {
                m.one(ClusterRole.class, b.getRoleRef().getName()).getRules()
                        .forEach(r -> jobService.addAll(keys("", r)));
            }
        }
        Set<String> missing = new TreeSet<>(FLEET_GITREPO_ROLE);
        missing.removeAll(jobService);
        assertEquals(Set.of(), missing, "Fleet's per-GitRepo Role grants what job-service lacks: the API server "
                + "refuses to let it write that Role");
        assertTrue(jobService.stream().noneMatch(k -> k.endsWith("|escalate") || k.endsWith("|impersonate")
                || k.contains("|*")), jobService::toString);
        // bind on exactly the ClusterRole its kubectl-mode RoleBindings name, which the install defines.
        Set<String> binds = jobService.stream().filter(k -> k.endsWith("|bind")).collect(Collectors.toSet());
        assertEquals(Set.of("|rbac.authorization.k8s.io|clusterroles[gitjob-apply]|bind"), binds);
        m.one(ClusterRole.class, "gitjob-apply");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kubectlModesApplyRoleIsTheNamespacedKindsOfAnApplicationAndNoMore(String overlay) {
        Manifests m = render(overlay);
        ClusterRole apply = m.one(ClusterRole.class, "gitjob-apply");
        assertTrue(apply.getRules() == null || apply.getRules().isEmpty(), "its rules come from aggregation");
        var selectors = apply.getAggregationRule().getClusterRoleSelectors();
        assertEquals(1, selectors.size());
        Map<String, String> selector = selectors.get(0).getMatchLabels();
        Set<String> granted = new TreeSet<>();
        for (ClusterRole role : m.all(ClusterRole.class)) {
            Map<String, String> labels = role.getMetadata().getLabels();
            if (role != apply && labels != null && labels.entrySet().containsAll(selector.entrySet())) {
                role.getRules().forEach(r -> granted.addAll(keys("", r)));
            }
        }
        Set<String> expected = new TreeSet<>();
        APPLY_KINDS.forEach((group, kinds) -> kinds.forEach(kind -> APPLY_VERBS
                .forEach(verb -> expected.add("|" + group + "|" + kind + "|" + verb))));
        assertEquals(expected, granted);
        // Nothing that hands out rights or lifts the namespace's limits.
        for (String forbidden : List.of("|rbac.authorization.k8s.io|", "|resourcequotas|", "|limitranges|",
                "|namespaces|", "|*", "/exec|", "/token|")) {
            assertTrue(granted.stream().noneMatch(k -> k.contains(forbidden)), forbidden);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void oneShardIdForTheWholeInstallationAndAKnownJobMode(String overlay) {
        Manifests m = render(overlay);
        Set<String> shardIds = new TreeSet<>();
        for (Service service : Service.values()) {
            shardIds.add(env(podSpec(m, service), "GITJOB_SHARD_ID"));
        }
        assertEquals(Set.of(""), shardIds, "every service in the default shard, the GitRepos without shard-ref");
        assertEquals("auto", env(podSpec(m, Service.JOB), "GITJOB_JOB_MODE"));
    }

    /**
     * The webhook Service exposes only the watcher's webhook port: an Ingress in front of it must not reach /q/*
     * (health, metrics), which the management port serves; no Service exposes that port.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theWatchersServiceExposesTheWebhookPortOnlyAndNoServiceTheManagementPort(String overlay) {
        Manifests m = render(overlay);
        Container watcher = container(podSpec(m, Service.WATCHER));
        int webhook = Service.WATCHER.config().httpPort();
        int management = Service.WATCHER.config().managementPort()
                .orElseThrow(() -> new AssertionError("the watcher's /q/* is on Quarkus' management interface"));
        assertTrue(webhook != management);
        var service = m.one(io.fabric8.kubernetes.api.model.Service.class, "watcher-service");
        assertEquals(List.of(webhook), service.getSpec().getPorts().stream()
                .map(p -> portNumber(watcher, p.getTargetPort())).toList());
        for (var s : m.all(io.fabric8.kubernetes.api.model.Service.class)) {
            Map<String, String> selector = s.getSpec().getSelector() == null ? Map.of() : s.getSpec().getSelector();
            Map<String, String> podLabels = m.one(Deployment.class, "watcher-service").getSpec().getTemplate()
                    .getMetadata().getLabels();
            if (!selector.isEmpty() && podLabels.entrySet().containsAll(selector.entrySet())) {
                s.getSpec().getPorts().forEach(p -> assertTrue(portNumber(watcher, p.getTargetPort()) != management,
                        s.getMetadata().getName() + " exposes the watcher's management port"));
            }
        }
    }

    // ---- helpers ----

    /** Whether a label selector ({@code matchLabels}, {@code matchExpressions} with In) selects these labels. */
    private static boolean selects(Map<?, ?> selector, Map<String, String> labels) {
        if (selector == null || labels.isEmpty()) {
            return false;
        }
        Map<?, ?> match = (Map<?, ?>) selector.get("matchLabels");
        if (match != null && !match.entrySet().stream().allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()))) {
            return false;
        }
        List<?> expressions = (List<?>) selector.get("matchExpressions");
        for (Object o : expressions == null ? List.of() : expressions) {
            Map<?, ?> expression = (Map<?, ?>) o;
            assertEquals("In", expression.get("operator"), "only In expressions are read here");
            if (!((List<?>) expression.get("values")).contains(labels.get(expression.get("key")))) {
                return false;
            }
        }
        return match != null || expressions != null;
    }

    /** A variable's value in the pod's one container ({@code value: ""} reads as ""); fails when it is absent. */
    private static String env(PodSpec pod, String name) {
        EnvVar var = container(pod).getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not set"));
        assertEquals(null, var.getValueFrom(), name);
        return var.getValue() == null ? "" : var.getValue();
    }

    private static int brokers(Manifests m) {
        return m.all(KafkaNodePool.class).stream().filter(p -> p.getSpec().getRoles().contains(ProcessRoles.BROKER))
                .mapToInt(p -> p.getSpec().getReplicas()).sum();
    }

    private static void assertProbe(Container c, HTTPGetAction get, String path, int port, Service service) {
        assertNotNull(get, service.module + " " + path);
        assertEquals(path, get.getPath(), service.module);
        assertEquals(port, portNumber(c, get.getPort()), service.module + " " + path + " probe port");
    }

    /** A port given by number or by the name of one of the container's ports; -1 for a name it lacks. */
    private static int portNumber(Container c, io.fabric8.kubernetes.api.model.IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).mapToInt(p -> p.getContainerPort())
                .findFirst().orElse(-1);
    }

    static PodSpec podSpec(Manifests m, Service service) {
        return service.isDeployment() ? m.one(Deployment.class, service.module).getSpec().getTemplate().getSpec()
                : m.one(CronJob.class, "fleet-cleanup-gitrepo-jobs").getSpec().getJobTemplate().getSpec().getTemplate()
                        .getSpec();
    }

    private static Container container(PodSpec pod) {
        assertEquals(1, pod.getContainers().size());
        return pod.getContainers().get(0);
    }

    private static Set<String> acls(KafkaUser user) {
        assertTrue(user.getSpec().getAuthorization() instanceof KafkaUserAuthorizationSimple, user.getMetadata().getName());
        Set<String> acls = new TreeSet<>();
        for (AclRule rule : ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls()) {
            assertTrue(rule.getType() == null || rule.getType() == AclRuleType.ALLOW);
            String resource;
            // A prefix pattern is written name* so it can never pass for the literal name.
            if (rule.getResource() instanceof AclRuleTopicResource t) {
                resource = "topic:" + t.getName() + (t.getPatternType() == AclResourcePatternType.PREFIX ? "*" : "");
            } else if (rule.getResource() instanceof AclRuleGroupResource g) {
                resource = "group:" + g.getName() + (g.getPatternType() == AclResourcePatternType.PREFIX ? "*" : "");
            } else {
                throw new AssertionError(user.getMetadata().getName() + ": ACL on " + rule.getResource());
            }
            for (AclOperation op : rule.getOperations()) {
                acls.add(resource + ":" + op.toValue());
            }
        }
        return acls;
    }

    private static void grant(Manifests m, Map<String, Set<String>> granted, String scope, RoleRef ref,
            List<Subject> subjects, String namespace) {
        List<PolicyRule> rules = ref.getKind().equals("ClusterRole") ? m.one(ClusterRole.class, ref.getName()).getRules()
                : m.all(Role.class).stream().filter(r -> r.getMetadata().getName().equals(ref.getName())
                        && r.getMetadata().getNamespace().equals(namespace)).findFirst().orElseThrow().getRules();
        for (Subject s : subjects) {
            assertEquals("ServiceAccount", s.getKind());
            assertEquals(NS, s.getNamespace());
            Set<String> set = granted.computeIfAbsent(s.getName(), k -> new TreeSet<>());
            for (PolicyRule r : rules) {
                set.addAll(keys(scope, r));
            }
        }
    }

    /** A rule as {@code scope|apiGroup|resource|verb} keys; a resource limited to names as {@code resource[name]}. */
    private static Set<String> keys(String scope, PolicyRule r) {
        List<String> names = r.getResourceNames() == null ? List.of() : r.getResourceNames();
        Set<String> keys = new TreeSet<>();
        for (String g : r.getApiGroups()) {
            for (String res : r.getResources()) {
                for (String verb : r.getVerbs()) {
                    if (names.isEmpty()) {
                        keys.add(scope + "|" + g + "|" + res + "|" + verb);
                    }
                    for (String name : names) {
                        keys.add(scope + "|" + g + "|" + res + "[" + name + "]|" + verb);
                    }
                }
            }
        }
        return keys;
    }

    private static Set<String> rules(String scope, String group, String resource, String... verbs) {
        Set<String> set = new TreeSet<>();
        for (String v : verbs) {
            set.add(scope + "|" + group + "|" + resource + "|" + v);
        }
        return set;
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new TreeSet<>();
        for (Set<String> s : sets) {
            all.addAll(s);
        }
        return all;
    }

}
