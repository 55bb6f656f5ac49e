package io.gitjob.job.template;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.events.UrlCredentials;

/**
 * The URL the cloner gets. A {@code spec.repo} without credentials is passed as it is, as Fleet does. One with
 * credentials in its userinfo ({@code user:password@}, a token alone) never goes into the Job: it is written to the
 * Secret {@link FleetNames#repoUrlSecret} and the cloner's argument is {@link #EXPANSION}, which the kubelet
 * replaces with the Secret's value (Kubernetes' {@code $(VAR)} expansion of container args), so the Job object,
 * its Pod spec and everything that shows them carry only the variable's name.
 *
 * @param raw {@code spec.repo} as written
 * @param shown the URL wherever it is shown (labels, annotations, env values, messages): credentials removed
 * @param fromSecret whether the cloner reads it from the Secret
 */
public record CloneUrl(String raw, String shown, boolean fromSecret) {

    public static final String ENV = "GITJOB_REPO_URL";
    public static final String EXPANSION = "$(" + ENV + ")";
    public static final String SECRET_KEY = "url";

    public static CloneUrl of(GitRepo gitRepo) {
        String raw = gitRepo.getSpec() == null ? null : gitRepo.getSpec().getRepo();
        return new CloneUrl(raw, UrlCredentials.redact(raw), UrlCredentials.carriesCredential(raw));
    }

    /** The cloner's URL argument. */
    public String argument() {
        return fromSecret ? EXPANSION : raw;
    }

    /** The variable the argument expands from, for every container that uses {@link #EXPANSION}; none without. */
    public Optional<EnvVar> env(GitRepo gitRepo) {
        if (!fromSecret) {
            return Optional.empty();
        }
        return Optional.of(new EnvVarBuilder().withName(ENV).withNewValueFrom().withNewSecretKeyRef()
                .withName(FleetNames.repoUrlSecret(gitRepo)).withKey(SECRET_KEY).withOptional(false)
                .endSecretKeyRef().endValueFrom().build());
    }

    /** The Secret holding the raw URL, without owner or labels yet; none without credentials. */
    Optional<Secret> secret(GitRepo gitRepo) {
        if (!fromSecret) {
            return Optional.empty();
        }
        return Optional.of(new SecretBuilder().withNewMetadata().withName(FleetNames.repoUrlSecret(gitRepo))
                .endMetadata().withType("Opaque")
                .addToData(SECRET_KEY, Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8)))
                .build());
    }

    /** Never the raw URL, should a record be printed. */
    @Override
    public String toString() {
        return "CloneUrl[" + shown + (fromSecret ? ", from Secret" : "") + "]";
    }
}
