package io.gitjob.gitrepo;

import java.util.Locale;
import java.util.Optional;

/**
 * What a GitRepo's Job does. {@link #FLEET}: Fleet's own Job ({@code fleet gitcloner} then {@code fleet apply}),
 * which turns the paths into Bundles that Fleet deploys to downstream clusters. {@link #KUBECTL}: gitjob alone,
 * without Fleet, cloning the repo and applying its paths with kubectl into the cluster the Job runs in. The
 * installation chooses ({@code gitjob.job.mode}); a GitRepo may override with {@link #ANNOTATION}.
 */
public enum JobMode {
    FLEET, KUBECTL;

    public static final String ANNOTATION = "gitjob.io/job-mode";

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<JobMode> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (JobMode mode : values()) {
            if (mode.value().equalsIgnoreCase(value.trim())) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
