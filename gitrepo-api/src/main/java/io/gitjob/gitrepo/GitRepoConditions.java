package io.gitjob.gitrepo;

import java.util.List;

/**
 * Upkeep of a GitRepo's status conditions. Each service sets only its own condition types and leaves the
 * others' as they are; a condition's transition time moves only when its status does.
 */
public final class GitRepoConditions {
    private GitRepoConditions() {
    }

    public static void set(List<GitRepoCondition> conditions, String type, String status, String reason,
            String message, String now) {
        GitRepoCondition condition = conditions.stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseGet(() -> {
                    GitRepoCondition created = new GitRepoCondition(type, null, null, null);
                    conditions.add(created);
                    return created;
                });
        if (!status.equals(condition.getStatus())) {
            condition.setLastTransitionTime(now);
        }
        condition.setStatus(status);
        condition.setReason(reason);
        condition.setMessage(message);
        condition.setLastUpdateTime(now);
    }
}
