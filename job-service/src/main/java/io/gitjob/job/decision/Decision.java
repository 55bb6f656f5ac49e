package io.gitjob.job.decision;

import java.util.List;

/** The actions for one observation, and why: the reason is logged with every decision, acted on or not. */
public record Decision(List<Action> actions, String reason) {

    public Decision {
        actions = List.copyOf(actions);
    }

    public static Decision nothing(String reason) {
        return new Decision(List.of(), reason);
    }

    public boolean isNothing() {
        return actions.isEmpty();
    }
}
