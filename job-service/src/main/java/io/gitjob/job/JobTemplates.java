package io.gitjob.job;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.gitjob.job.template.InvalidTemplateException;
import io.gitjob.job.template.JobPlanner;
import io.gitjob.job.template.JobSettings;
import io.gitjob.job.template.PodTemplate;
import io.quarkus.runtime.StartupEvent;

/**
 * The Jobs' configuration in force ({@code gitjob.job.*}): the settings of both modes and the kubectl mode's pod
 * template, the file {@code gitjob.job.template-file} (a ConfigMap mounted as a file) or the default. The template
 * is read again for each Job, so an edited ConfigMap applies without a restart; a broken one makes Job creation
 * fail with the reason (job creation failed events, retried) instead of crashing. A broken setting stops start-up.
 */
@ApplicationScoped
public class JobTemplates {

    private static final Logger LOG = Logger.getLogger(JobTemplates.class);

    @ConfigProperty(name = "gitjob.job.template-file")
    Optional<Path> templateFile;
    @ConfigProperty(name = "gitjob.job.fleet.image", defaultValue = JobSettings.FLEET_IMAGE)
    String fleetImage;
    @ConfigProperty(name = "gitjob.job.kubectl.cloner-image", defaultValue = JobSettings.FLEET_IMAGE)
    String clonerImage;
    @ConfigProperty(name = "gitjob.job.kubectl.image", defaultValue = JobSettings.KUBECTL_IMAGE)
    String kubectlImage;
    @ConfigProperty(name = "gitjob.job.kubectl.cluster-role", defaultValue = "gitjob-apply")
    String clusterRole;
    @ConfigProperty(name = "gitjob.job.tolerations")
    Optional<String> tolerations;
    @ConfigProperty(name = "gitjob.job.node-selector")
    Optional<List<String>> nodeSelector;
    @ConfigProperty(name = "gitjob.job.image-pull-secrets")
    Optional<List<String>> imagePullSecrets;
    @ConfigProperty(name = "gitjob.job.proxy.http-proxy")
    Optional<String> httpProxy;
    @ConfigProperty(name = "gitjob.job.proxy.https-proxy")
    Optional<String> httpsProxy;
    @ConfigProperty(name = "gitjob.job.proxy.no-proxy")
    Optional<String> noProxy;
    @ConfigProperty(name = "gitjob.job.proxy.ca-bundle")
    Optional<String> proxyCaBundle;
    @ConfigProperty(name = "gitjob.job.active-deadline-seconds")
    OptionalLong activeDeadlineSeconds;
    @ConfigProperty(name = "gitjob.job.strict-host-key-checks", defaultValue = "true")
    boolean strictHostKeyChecks;
    @ConfigProperty(name = "gitjob.job.known-hosts-config-map", defaultValue = "cattle-fleet-system/known-hosts")
    String knownHostsConfigMap;
    @ConfigProperty(name = "gitjob.job.fleet.oci-storage", defaultValue = "true")
    boolean ociStorage;
    @ConfigProperty(name = "gitjob.job.fleet.imagescan", defaultValue = "false")
    boolean imagescan;
    @ConfigProperty(name = "gitjob.job.fleet.debug", defaultValue = "false")
    boolean debug;
    @ConfigProperty(name = "gitjob.job.fleet.apply-conflict-retries", defaultValue = "1")
    int applyConflictRetries;
    @ConfigProperty(name = "gitjob.job.fleet.bundle-creation-max-concurrency", defaultValue = "4")
    int bundleCreationMaxConcurrency;

    private JobSettings settings;
    private JobPlanner planner;

    @PostConstruct
    void init() {
        settings = new JobSettings(fleetImage, clonerImage, kubectlImage, clusterRole, tolerations(),
                nodeSelector(), imagePullSecrets.orElse(List.of()), httpProxy.orElse(""), httpsProxy.orElse(""),
                noProxy.orElse(""), proxyCaBundle.orElse(""),
                activeDeadlineSeconds.isPresent() ? activeDeadlineSeconds.getAsLong() : null, strictHostKeyChecks,
                knownHostsConfigMap, ociStorage, imagescan, debug, applyConflictRetries,
                bundleCreationMaxConcurrency);
        planner = new JobPlanner(settings, this::current);
    }

    void checkOnStart(@Observes StartupEvent event) {
        try {
            current();
            LOG.infof("Job pod template (kubectl mode): %s; fleet mode image %s",
                    templateFile.map(Path::toString).orElse("the default template"), settings.fleetImage());
        } catch (InvalidTemplateException e) {
            LOG.errorf("Job pod template is invalid, no kubectl-mode Job can be created until it is fixed: %s",
                    e.getMessage());
        }
    }

    /** The kubectl mode's pod template, read now. */
    public PodTemplate current() {
        return PodTemplate.load(templateFile.orElse(null));
    }

    public JobPlanner planner() {
        return planner;
    }

    public JobSettings settings() {
        return settings;
    }

    private List<Toleration> tolerations() {
        if (tolerations.isEmpty() || tolerations.get().isBlank()) {
            return List.of();
        }
        try {
            return Arrays.asList(Serialization.jsonMapper().readValue(tolerations.get(), Toleration[].class));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("gitjob.job.tolerations is not a JSON list of tolerations: "
                    + e.getOriginalMessage(), e);
        }
    }

    private Map<String, String> nodeSelector() {
        Map<String, String> selector = new LinkedHashMap<>();
        for (String pair : nodeSelector.orElse(List.of())) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("gitjob.job.node-selector: '" + pair + "' is not key=value");
            }
            selector.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return selector;
    }
}
