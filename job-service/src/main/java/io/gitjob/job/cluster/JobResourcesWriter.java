package io.gitjob.job.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gitjob.events.UrlCredentials;
import io.gitjob.gitrepo.GitRepo;
import io.gitjob.gitrepo.JobConventions;
import io.gitjob.job.template.FleetNames;

/**
 * Makes a Job's prerequisites exist as planned ({@code io.gitjob.job.template.JobPlan#prerequisites}), before the Job
 * is created: each is created when absent, updated when what gitjob sets differs (its labels, its controller
 * reference, its rules, subjects, data), left alone when equal. What exists is looked up in job-service's
 * informers of them ({@link ClusterCache#prerequisite}), so calling it for every Job costs the API server nothing in
 * the steady state. A create answered 409 (another replica, a cache behind, an object without gitjob's label, which
 * the informers do not hold) and an update answered 409 are tried again on a fresh read. Only kinds and names are
 * logged, never data.
 * A ServiceAccount that exists keeps everything but gitjob's labels and controller reference, which are added when
 * missing (Fleet's own {@code git-<name>}, of a GitRepo moved to gitjob, is then in the cache from its first Job on),
 * as the API server manages its tokens. A RoleBinding
 * whose roleRef changed, or a Secret whose type changed, is deleted and created again: both are immutable.
 * <p>
 * The objects given are all of one GitRepo's prerequisites, so one that gitjob alone makes and that is not among them
 * is stale: the {@code <name>-repo-url} Secret ({@code CloneUrl}) once the credentials are removed from
 * {@code spec.repo}. It still holds the old URL with them and is deleted, when it is gitjob's (its labels and a
 * controller reference to a GitRepo of that name). A failed delete is logged and does not stop the Job, which no
 * longer reads the Secret; as every Job's prerequisites pass here, the next Job tries again.
 */
public final class JobResourcesWriter {

    private static final Logger LOG = Logger.getLogger(JobResourcesWriter.class);
    private static final int ATTEMPTS = 3;

    /** What a call did, for logs and tests. */
    public record Outcome(List<String> created, List<String> updated, List<String> unchanged, List<String> deleted) {
    }

    private JobResourcesWriter() {
    }

    /** What exists of an object, as a cache holds it: its kind, namespace and name. */
    @FunctionalInterface
    public interface Lookup {
        Optional<HasMetadata> existing(String kind, String namespace, String name);

        /** Every lookup a GET: for tests and tools without caches. */
        static Lookup reading(KubernetesClient client) {
            return (kind, namespace, name) -> Optional.ofNullable(switch (kind) {
                case "ServiceAccount" -> client.serviceAccounts().inNamespace(namespace).withName(name).get();
                case "Role" -> client.rbac().roles().inNamespace(namespace).withName(name).get();
                case "RoleBinding" -> client.rbac().roleBindings().inNamespace(namespace).withName(name).get();
                case "ConfigMap" -> client.configMaps().inNamespace(namespace).withName(name).get();
                case "Secret" -> client.secrets().inNamespace(namespace).withName(name).get();
                default -> throw new IllegalArgumentException("not a prerequisite: " + kind);
            });
        }
    }

    /** Reading every object from the API server. */
    public static Outcome ensure(KubernetesClient client, List<HasMetadata> objects) {
        return ensure(client, objects, Lookup.reading(client));
    }

    public static Outcome ensure(KubernetesClient client, List<HasMetadata> objects, Lookup cached) {
        Outcome outcome = new Outcome(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (HasMetadata wanted : objects) {
            ensureOne(client, wanted, cached, outcome);
        }
        deleteStaleRepoUrlSecret(client, objects, cached, outcome);
        return outcome;
    }

    private static void deleteStaleRepoUrlSecret(KubernetesClient client, List<HasMetadata> objects, Lookup cached,
            Outcome outcome) {
        HasMetadata owned = objects.stream().filter(o -> gitRepoOwner(o) != null).findFirst().orElse(null);
        if (owned == null) {
            return;
        }
        String gitRepo = gitRepoOwner(owned).getName();
        String namespace = owned.getMetadata().getNamespace();
        String name = FleetNames.repoUrlSecret(gitRepo);
        if (objects.stream().anyMatch(o -> o instanceof Secret && name.equals(o.getMetadata().getName()))) {
            return;
        }
        String id = "Secret " + namespace + "/" + name;
        try {
            // Only a Secret with gitjob's labels can be one to delete, and the cache holds all of those.
            Secret existing = (Secret) cached.existing("Secret", namespace, name).orElse(null);
            if (existing == null || !madeFor(existing, gitRepo)) {
                return;
            }
            client.secrets().inNamespace(namespace).withName(name).delete();
            LOG.infof("Deleted %s: spec.repo no longer carries credentials", id);
            outcome.deleted().add(id);
        } catch (KubernetesClientException e) {
            LOG.warnf("Could not delete the stale %s, tried again with the next Job: HTTP %d %s", id, e.getCode(),
                    UrlCredentials.redact(e.getMessage()));
        }
    }

    /** gitjob's labels for that GitRepo and a GitRepo of that name as controller: never a user's own Secret. */
    private static boolean madeFor(Secret secret, String gitRepo) {
        Map<String, String> labels = empty(secret.getMetadata().getLabels());
        OwnerReference owner = gitRepoOwner(secret);
        return JobConventions.MANAGED_BY_VALUE.equals(labels.get(JobConventions.MANAGED_BY_LABEL))
                && gitRepo.equals(labels.get(JobConventions.GITREPO_LABEL))
                && owner != null && gitRepo.equals(owner.getName());
    }

    private static OwnerReference gitRepoOwner(HasMetadata object) {
        return owners(object).stream().filter(o -> GitRepo.KIND.equals(o.getKind())).findFirst().orElse(null);
    }

    private static void ensureOne(KubernetesClient client, HasMetadata wanted, Lookup cached, Outcome outcome) {
        String id = wanted.getKind() + " " + wanted.getMetadata().getNamespace() + "/" + wanted.getMetadata().getName();
        for (int attempt = 1;; attempt++) {
            // The cache first (a copy: its objects are the informer's); after a 409 it was behind (or the object lacks gitjob's label): the API server.
            HasMetadata existing = attempt == 1
                    ? cached.existing(wanted.getKind(), wanted.getMetadata().getNamespace(),
                            wanted.getMetadata().getName()).map(o -> client.getKubernetesSerialization().clone(o)).orElse(null)
                    : client.resource(wanted).get();
            try {
                if (existing == null) {
                    client.resource(wanted).create();
                    LOG.infof("Created %s", id);
                    outcome.created().add(id);
                    return;
                }
                if (!differs(existing, wanted)) {
                    outcome.unchanged().add(id);
                    return;
                }
                if (immutableChanged(existing, wanted)) {
                    client.resource(existing).withPropagationPolicy(
                            DeletionPropagation.BACKGROUND).delete();
                    client.resource(wanted).create();
                    LOG.infof("Replaced %s (an immutable field changed)", id);
                } else {
                    client.resource(merge(existing, wanted)).update();
                    LOG.infof("Updated %s", id);
                }
                outcome.updated().add(id);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= ATTEMPTS) {
                    throw e;
                }
                // Created or changed by someone else between the read and the write: read again.
            }
        }
    }

    static boolean differs(HasMetadata existing, HasMetadata wanted) {
        Map<String, String> labels = existing.getMetadata().getLabels() == null ? Map.of()
                : existing.getMetadata().getLabels();
        if (wanted.getMetadata().getLabels() != null
                && !labels.entrySet().containsAll(wanted.getMetadata().getLabels().entrySet())) {
            return true;
        }
        if (!owners(existing).equals(owners(wanted))) {
            return true;
        }
        return immutableChanged(existing, wanted) || !payloadEquals(existing, wanted);
    }

    private static boolean immutableChanged(HasMetadata existing, HasMetadata wanted) {
        if (existing instanceof RoleBinding e && wanted instanceof RoleBinding w) {
            return !Objects.equals(e.getRoleRef(), w.getRoleRef());
        }
        if (existing instanceof Secret e && wanted instanceof Secret w) {
            return w.getType() != null && !w.getType().equals(e.getType());
        }
        return false;
    }

    private static boolean payloadEquals(HasMetadata existing, HasMetadata wanted) {
        if (existing instanceof Role e && wanted instanceof Role w) {
            return Objects.equals(e.getRules(), w.getRules());
        }
        if (existing instanceof RoleBinding e && wanted instanceof RoleBinding w) {
            return Objects.equals(e.getSubjects(), w.getSubjects());
        }
        if (existing instanceof ConfigMap e && wanted instanceof ConfigMap w) {
            return Objects.equals(empty(e.getData()), empty(w.getData()))
                    && Objects.equals(empty(e.getBinaryData()), empty(w.getBinaryData()));
        }
        if (existing instanceof Secret e && wanted instanceof Secret w) {
            return Objects.equals(empty(e.getData()), empty(w.getData()));
        }
        return true;
    }

    /** The existing object with gitjob's parts set as wanted; labels, annotations and owners of others kept. */
    private static HasMetadata merge(HasMetadata existing, HasMetadata wanted) {
        Map<String, String> labels = new HashMap<>(empty(existing.getMetadata().getLabels()));
        labels.putAll(empty(wanted.getMetadata().getLabels()));
        existing.getMetadata().setLabels(labels);
        List<OwnerReference> owners = new ArrayList<>();
        for (OwnerReference o : existing.getMetadata().getOwnerReferences()) {
            if (!Boolean.TRUE.equals(o.getController())) {
                owners.add(o);
            }
        }
        owners.addAll(owners(wanted));
        existing.getMetadata().setOwnerReferences(owners);
        if (existing instanceof Role e && wanted instanceof Role w) {
            e.setRules(w.getRules());
        } else if (existing instanceof RoleBinding e && wanted instanceof RoleBinding w) {
            e.setSubjects(w.getSubjects());
        } else if (existing instanceof ConfigMap e && wanted instanceof ConfigMap w) {
            e.setData(w.getData());
            e.setBinaryData(w.getBinaryData());
        } else if (existing instanceof Secret e && wanted instanceof Secret w) {
            e.setData(w.getData());
        }
        return existing;
    }

    /** The controller references only: another controller's object is taken over, others' plain owners kept. */
    private static List<OwnerReference> owners(HasMetadata object) {
        return object.getMetadata().getOwnerReferences().stream()
                .filter(o -> Boolean.TRUE.equals(o.getController())).toList();
    }

    private static <K, V> Map<K, V> empty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }
}
