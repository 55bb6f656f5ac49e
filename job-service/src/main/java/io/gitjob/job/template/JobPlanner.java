package io.gitjob.job.template;

import java.util.function.Supplier;

import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobMode;
import io.gitjob.job.decision.Action;

/**
 * The one entry point from a decided {@link Action.CreateJob} to what to write: the Job in the GitRepo's mode and
 * its prerequisites. Pure: what it needs to know of the cluster comes in as {@link ReferencedObjects}.
 */
public final class JobPlanner {

    private final JobSettings settings;
    private final Supplier<PodTemplate> kubectlTemplate;

    /** @param kubectlTemplate asked for each kubectl-mode Job, so an edited template file applies at once */
    public JobPlanner(JobSettings settings, Supplier<PodTemplate> kubectlTemplate) {
        this.settings = settings;
        this.kubectlTemplate = kubectlTemplate;
    }

    /**
     * @throws InvalidGitRepoException the GitRepo cannot make a Job as it is (the message is for its status)
     * @throws InvalidTemplateException the kubectl-mode template is broken
     */
    public JobPlan plan(GitRepo gitRepo, Action.CreateJob create, JobMode mode, ReferencedObjects objects) {
        var job = mode == JobMode.FLEET
                ? new FleetJobFactory(settings).build(gitRepo, create, objects)
                : new JobFactory(kubectlTemplate.get(), settings).build(gitRepo, create, objects);
        return new JobPlan(job, JobPrerequisites.of(gitRepo, mode, settings));
    }

    public JobSettings settings() {
        return settings;
    }
}
