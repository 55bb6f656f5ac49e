package io.gitjob.job.readiness;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.gitjob.gitrepo.BundleSummary;
import io.gitjob.gitrepo.BundleSummary.ModifiedStatus;
import io.gitjob.gitrepo.BundleSummary.NonReadyResource;
import io.gitjob.gitrepo.BundleSummary.NonReadyStatus;

/**
 * The message of a GitRepo's {@code Ready} condition, worded as Fleet words it ({@code ReadyMessage}): for each
 * not-ready state with a count, the first BundleDeployment in it ({@code NotReady(2) [Bundle name: message]})
 * and up to four of its modified and four of its not-ready resources; sorted, joined by "; ". Empty when all are
 * ready.
 */
final class ReadyMessage {

    /** The states Fleet reports, with how the summary counts each. */
    private static final List<BundleState> REPORTED = List.of(BundleState.OUT_OF_SYNC, BundleState.NOT_READY,
            BundleState.WAIT_APPLIED, BundleState.ERR_APPLIED, BundleState.PENDING, BundleState.MODIFIED);

    private ReadyMessage() {
    }

    static String of(BundleSummary summary, String referencedKind) {
        List<String> messages = new ArrayList<>();
        for (BundleState state : REPORTED) {
            int count = count(summary, state);
            if (count <= 0) {
                continue;
            }
            for (NonReadyResource resource : summary.getNonReadyResources()) {
                if (!state.fleetName().equals(resource.getBundleState())) {
                    continue;
                }
                String message = resource.getMessage();
                if (message == null || message.isEmpty()) {
                    messages.add(String.format("%s(%d) [%s %s]", state.fleetName(), count, referencedKind,
                            resource.getName()));
                } else {
                    messages.add(String.format("%s(%d) [%s %s: %s]", state.fleetName(), count, referencedKind,
                            resource.getName(), message));
                }
                resource.getModifiedStatus().stream().limit(4).forEach(m -> messages.add(describe(m)));
                resource.getNonReadyStatus().stream().limit(4).forEach(n -> messages.add(describe(n)));
                break;
            }
        }
        messages.sort(null);
        return String.join("; ", messages);
    }

    private static int count(BundleSummary summary, BundleState state) {
        return switch (state) {
            case OUT_OF_SYNC -> summary.getOutOfSync();
            case NOT_READY -> summary.getNotReady();
            case WAIT_APPLIED -> summary.getWaitApplied();
            case ERR_APPLIED -> summary.getErrApplied();
            case PENDING -> summary.getPending();
            case MODIFIED -> summary.getModified();
            case READY -> summary.getReady();
        };
    }

    /** As Fleet's {@code ModifiedStatus.String()}. */
    static String describe(ModifiedStatus m) {
        String name = name(m.getApiVersion(), m.getKind(), m.getNamespace(), m.getName());
        if (m.isMissing()) {
            return m.isExist() ? name + " is not owned by us" : name + " missing";
        }
        if (m.isDelete()) {
            return name + " extra";
        }
        return name + " modified " + BundleDeploymentView.blank(m.getPatch());
    }

    /** As Fleet's {@code NonReadyStatus.String()}: the resource and the agent's summary of it. */
    static String describe(NonReadyStatus n) {
        return name(n.getApiVersion(), n.getKind(), n.getNamespace(), n.getName()) + " " + summary(n.getSummary());
    }

    /** As Fleet's {@code Summary.String()}, including its "error]" without an opening bracket. */
    private static String summary(BundleSummary.ObjectSummary s) {
        if (!s.isTransitioning() && !s.isError()) {
            return BundleDeploymentView.blank(s.getState());
        }
        String msg = s.isTransitioning() ? "[progressing" : "";
        if (s.isError()) {
            msg = msg.isEmpty() ? "error]" : msg + ",error]";
        } else {
            msg += "]";
        }
        if (!s.getMessage().isEmpty()) {
            msg = msg + " " + String.join(", ", s.getMessage());
        }
        return msg;
    }

    /** "kind.group namespace/name" as Fleet names a resource in messages. */
    private static String name(String apiVersion, String kind, String namespace, String name) {
        String k = BundleDeploymentView.blank(kind).toLowerCase(Locale.ROOT);
        String ns = BundleDeploymentView.blank(namespace);
        String n = BundleDeploymentView.blank(name);
        String av = BundleDeploymentView.blank(apiVersion);
        String object = ns.isEmpty() ? n : ns + "/" + n;
        if (av.isEmpty()) {
            return k + " " + object;
        }
        return k + "." + av.split("/", 2)[0] + " " + object;
    }
}
