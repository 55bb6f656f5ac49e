package io.gitjob.job.template;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.GitRepoSpec;
import io.gitjob.job.decision.Action;

/**
 * Builds the kubectl-mode Job that applies one state of a GitRepo: the configured pod template (the default one, or
 * {@code gitjob.job.template-file}) with the GitRepo's values, in gitjob's {@link JobEnvelope}. A {@code spec.repo}
 * with credentials reaches the cloner from a Secret ({@link CloneUrl}); the template sees it only redacted. So does a
 * basic-auth user name ({@link GitClone#USERNAME_EXPANSION} in {@code {{gitclonerArgs}}}).
 */
public final class JobFactory {

    /** Where the default template mounts the credentials Secret, whatever its kind. */
    static final String CREDENTIALS_DIR = "/gitjob/credentials";
    static final String WORKSPACE = "/workspace/repo";

    private final PodTemplate template;
    private final JobSettings settings;

    public JobFactory(PodTemplate template, JobSettings settings) {
        this.template = template;
        this.settings = settings;
    }

    /** With the default settings and no Secrets to look at; kept for callers that have neither yet. */
    public JobFactory(PodTemplate template) {
        this(template, JobSettings.defaults());
    }

    public Job build(GitRepo gitRepo, Action.CreateJob create) {
        return build(gitRepo, create, ReferencedObjects.none());
    }

    public Job build(GitRepo gitRepo, Action.CreateJob create, ReferencedObjects objects) {
        GitClone clone = GitClone.of(gitRepo, objects, settings, create.commit(), CREDENTIALS_DIR);
        CloneUrl url = CloneUrl.of(gitRepo);
        PodTemplateSpec pod = template.render(values(gitRepo, create, clone, url, settings),
                lists(gitRepo, clone, url));
        var spec = pod.getSpec();
        defineWhereExpanded(spec, url, clone, gitRepo);
        if (spec.getServiceAccountName() == null || spec.getServiceAccountName().isBlank()) {
            spec.setServiceAccountName(FleetNames.serviceAccount(gitRepo));
        }
        var proxy = settings.proxyEnv();
        if (!proxy.isEmpty()) {
            for (List<Container> containers : List.of(nonNull(spec.getInitContainers()), nonNull(spec.getContainers()))) {
                for (Container c : containers) {
                    var env = new ArrayList<>(nonNull(c.getEnv()));
                    env.addAll(proxy);
                    c.setEnv(env);
                }
            }
        }
        return JobEnvelope.wrap(gitRepo, create, pod, settings);
    }

    /**
     * Each variable the cloner's arguments expand (the URL's, the user name's) in every container whose command,
     * args or env use it, first in its env and in that order, so that the template's own variables may use them too.
     * A template in which nothing expands the URL's would clone the redacted URL, which cannot work: refused with
     * the way out.
     */
    private static void defineWhereExpanded(io.fabric8.kubernetes.api.model.PodSpec spec, CloneUrl url,
            GitClone clone, GitRepo gitRepo) {
        List<EnvVar> vars = new ArrayList<>();
        url.env(gitRepo).ifPresent(vars::add);
        vars.addAll(clone.env());
        boolean urlUsed = false;
        for (List<Container> containers : List.of(nonNull(spec.getInitContainers()), nonNull(spec.getContainers()))) {
            for (Container c : containers) {
                List<EnvVar> defined = new ArrayList<>(vars.stream().filter(v -> expands(c, v)).toList());
                if (defined.isEmpty()) {
                    continue;
                }
                urlUsed |= defined.stream().anyMatch(v -> CloneUrl.ENV.equals(v.getName()));
                List<String> names = defined.stream().map(EnvVar::getName).toList();
                nonNull(c.getEnv()).stream().filter(e -> !names.contains(e.getName())).forEach(defined::add);
                c.setEnv(defined);
            }
        }
        if (url.fromSecret() && !urlUsed) {
            throw new InvalidTemplateException("spec.repo carries credentials, so the cloner must read it from "
                    + CloneUrl.EXPANSION + " (Secret " + FleetNames.repoUrlSecret(gitRepo)
                    + "), but the pod template uses neither {{gitclonerArgs}} nor {{cloneUrl}}; {{repo}} has the"
                    + " credentials removed");
        }
    }

    private static boolean expands(Container c, EnvVar var) {
        String expansion = "$(" + var.getName() + ")";
        return nonNull(c.getArgs()).stream().anyMatch(a -> a.contains(expansion))
                || nonNull(c.getCommand()).stream().anyMatch(a -> a.contains(expansion))
                || nonNull(c.getEnv()).stream().anyMatch(e -> e.getValue() != null
                        && e.getValue().contains(expansion));
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }

    static Map<String, String> values(GitRepo gitRepo, Action.CreateJob create, GitClone clone, CloneUrl url,
            JobSettings settings) {
        GitRepoSpec spec = gitRepo.getSpec();
        Map<String, String> values = new HashMap<>();
        values.put("repo", url.shown());
        values.put("cloneUrl", url.argument());
        values.put("commit", create.commit());
        values.put("branch", spec.getBranch());
        values.put("revision", spec.getRevision());
        values.put("paths", String.join(" ", paths(spec)));
        values.put("targetNamespace", spec.getTargetNamespace());
        values.put("clientSecretName", spec.getClientSecretName());
        values.put("gitRepoName", gitRepo.getMetadata().getName());
        values.put("gitRepoNamespace", gitRepo.getMetadata().getNamespace());
        values.put("jobName", create.jobName());
        values.put("serviceAccountName", FleetNames.serviceAccount(gitRepo));
        values.put("credentialsSecretName", clone.credentialsSecret());
        values.put("caBundleSecretName", clone.caBundle() ? FleetNames.caBundleSecret(gitRepo) : "");
        values.put("knownHosts", clone.knownHosts());
        values.put("clonerImage", settings.clonerImage());
        values.put("kubectlImage", settings.kubectlImage());
        return values;
    }

    static Map<String, List<String>> lists(GitRepo gitRepo, GitClone clone, CloneUrl url) {
        GitRepoSpec spec = gitRepo.getSpec();
        List<String> cloner = new ArrayList<>(List.of(url.argument(), WORKSPACE));
        cloner.addAll(clone.flags());
        List<String> apply = new ArrayList<>();
        for (String path : paths(spec)) {
            apply.add("-f");
            apply.add(path);
        }
        if (spec.getTargetNamespace() != null && !spec.getTargetNamespace().isBlank()) {
            apply.add("--namespace");
            apply.add(spec.getTargetNamespace());
        }
        return Map.of("gitclonerArgs", cloner, "kubectlApplyArgs", apply);
    }

    /** Relative to the clone as Fleet takes them: a leading '/' is the repository's root, not the file system's. */
    private static List<String> paths(GitRepoSpec spec) {
        if (spec.getPaths() == null || spec.getPaths().isEmpty()) {
            return List.of(".");
        }
        List<String> paths = new ArrayList<>();
        for (String path : spec.getPaths()) {
            String relative = path.replaceFirst("^/+", "");
            paths.add(relative.isEmpty() ? "." : relative);
        }
        return paths;
    }
}
