package io.gitjob.gitrepo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;

/** The GitRepo CRD exactly as deployed ({@code deploy/crds/gitrepo.yaml}, packaged into this jar). */
public final class GitRepoCrd {
    /** Where the CRD sits on the classpath. */
    public static final String RESOURCE = "/crds/gitrepo.yaml";

    private GitRepoCrd() {
    }

    public static CustomResourceDefinition load() {
        try (InputStream in = GitRepoCrd.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("GitRepo CRD not on the classpath at " + RESOURCE);
            }
            return Serialization.unmarshal(in, CustomResourceDefinition.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
