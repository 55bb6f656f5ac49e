package io.gitjob.job.mode;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gitjob.gitrepo.FleetConventions;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobMode;

/**
 * Which {@link JobMode} each GitRepo's Jobs run in: the installation's {@code gitjob.job.mode}, where
 * {@code auto} means fleet when the API server serves Fleet's Bundles, and a GitRepo's {@code gitjob.io/job-mode}
 * annotation over both. Whether Bundles are served is asked of API discovery (no RBAC needed), at start and on
 * every resync, so a Fleet installed later is seen without a restart.
 */
@ApplicationScoped
public class JobModes {

    private static final Logger LOG = Logger.getLogger(JobModes.class);

    @Inject
    KubernetesClient client;

    @ConfigProperty(name = "gitjob.job.mode", defaultValue = "auto")
    String setting;

    /** Null until discovery answered once. */
    private volatile Boolean bundlesServed;

    /** A GitRepo's mode, or why it has none. */
    public record Choice(JobMode mode, String problem) {
    }

    /** Asks discovery again; an API server that does not answer leaves the last answer in place. */
    public void refresh() {
        try {
            APIResourceList resources = client.getApiResources(FleetConventions.API_VERSION);
            boolean served = resources != null && resources.getResources() != null && resources.getResources()
                    .stream().anyMatch(r -> FleetConventions.BUNDLE_PLURAL.equals(r.getName()));
            if (bundlesServed == null || served != bundlesServed) {
                LOG.infof("Fleet's Bundles are %s by the API server: job mode setting '%s'",
                        served ? "served" : "not served", setting);
            }
            bundlesServed = served;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                bundlesServed = false;
                return;
            }
            LOG.warnf("API discovery of %s failed (%s); asked again at the next resync", FleetConventions.API_VERSION,
                    e.getMessage());
        }
    }

    /** False while the mode of a GitRepo without annotation cannot be told yet (discovery not answered). */
    public boolean known() {
        return !"auto".equalsIgnoreCase(setting.trim()) || bundlesServed != null;
    }

    public boolean bundlesServed() {
        return Boolean.TRUE.equals(bundlesServed);
    }

    public Choice of(GitRepo gitRepo) {
        return choose(setting, bundlesServed(), annotation(gitRepo));
    }

    /** The rule, without I/O: the annotation, else the setting, else (auto) whether Fleet is there. */
    public static Choice choose(String setting, boolean bundlesServed, String annotation) {
        if (annotation != null) {
            Optional<JobMode> chosen = JobMode.parse(annotation);
            return chosen.map(m -> new Choice(m, null)).orElseGet(() -> new Choice(null, "annotation "
                    + JobMode.ANNOTATION + "=" + annotation + " names no job mode (fleet or kubectl)"));
        }
        Optional<JobMode> configured = JobMode.parse(setting);
        if (configured.isPresent()) {
            return new Choice(configured.get(), null);
        }
        if (!"auto".equalsIgnoreCase(setting == null ? "" : setting.trim())) {
            return new Choice(null, "gitjob.job.mode=" + setting + " names no job mode (auto, fleet or kubectl)");
        }
        return new Choice(bundlesServed ? JobMode.FLEET : JobMode.KUBECTL, null);
    }

    private static String annotation(GitRepo gitRepo) {
        var annotations = gitRepo.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(JobMode.ANNOTATION);
    }
}
