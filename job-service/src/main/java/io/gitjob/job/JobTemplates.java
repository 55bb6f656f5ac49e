package io.gitjob.job;

import java.nio.file.Path;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.gitjob.job.template.InvalidTemplateException;
import io.gitjob.job.template.PodTemplate;
import io.quarkus.runtime.StartupEvent;

/**
 * The pod template in force: the file {@code gitjob.job.template-file} (a ConfigMap mounted as a file), or
 * the default. It is read again for each Job, so an edited ConfigMap applies without a restart; a broken one
 * makes Job creation fail with the reason (job creation failed events, retried) instead of crashing.
 */
@ApplicationScoped
public class JobTemplates {

    private static final Logger LOG = Logger.getLogger(JobTemplates.class);

    @ConfigProperty(name = "gitjob.job.template-file")
    Optional<Path> templateFile;

    void checkOnStart(@Observes StartupEvent event) {
        try {
            current();
            LOG.infof("Job pod template: %s", templateFile.map(Path::toString).orElse("the default template"));
        } catch (InvalidTemplateException e) {
            LOG.errorf("Job pod template is invalid, no Job can be created until it is fixed: %s", e.getMessage());
        }
    }

    public PodTemplate current() {
        return PodTemplate.load(templateFile.orElse(null));
    }
}
