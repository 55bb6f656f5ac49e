package io.gitjob.gitrepo;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** Fleet's GitRepo custom resource, as gitjob reads and writes it. The CRD is {@code deploy/crds/gitrepo.yaml}. */
@Group(GitRepo.GROUP)
@Version(GitRepo.VERSION)
@Kind(GitRepo.KIND)
@Plural(GitRepo.PLURAL)
@Singular("gitrepo")
public class GitRepo extends CustomResource<GitRepoSpec, GitRepoStatus> implements Namespaced {
    public static final String GROUP = "fleet.cattle.io";
    public static final String VERSION = "v1alpha1";
    public static final String KIND = "GitRepo";
    public static final String PLURAL = "gitrepos";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    public static final String CRD_NAME = PLURAL + "." + GROUP;
}
