package io.gitjob.sandbox;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;

/**
 * Which images the simulated kubelet cannot pull: those named (an entry without a tag stands for every tag of
 * the image), and any tagged {@code does-not-exist}. It can be changed while the sandbox runs.
 */
final class ImagePulls {

    static final String MISSING_TAG = "does-not-exist";
    private final Set<String> unpullable = ConcurrentHashMap.newKeySet();

    ImagePulls(Collection<String> unpullable) {
        this.unpullable.addAll(unpullable);
    }

    void refuse(String image) {
        unpullable.add(image);
    }

    void allow(String image) {
        unpullable.remove(image);
    }

    boolean pullable(String image) {
        if (image == null) {
            return true;
        }
        String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = withoutDigest.lastIndexOf(':');
        boolean tagged = colon > withoutDigest.lastIndexOf('/');
        String repository = tagged ? withoutDigest.substring(0, colon) : withoutDigest;
        String tag = tagged ? withoutDigest.substring(colon + 1) : "latest";
        return !MISSING_TAG.equals(tag) && !unpullable.contains(image) && !unpullable.contains(repository);
    }

    /** The first container, init containers first as the kubelet starts them, whose image cannot be pulled. */
    Optional<Container> firstUnpullable(PodSpec pod) {
        return Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
                .filter(c -> !pullable(c.getImage())).findFirst();
    }

    /** The kubelet's message for a pull of an image that does not exist, as containerd words it. */
    static String pullError(String image) {
        String reference = image.contains("/") && image.substring(0, image.indexOf('/')).matches(".*[.:].*")
                ? image : "docker.io/" + (image.contains("/") ? image : "library/" + image);
        return "Failed to pull image \"" + image + "\": rpc error: code = NotFound desc = failed to pull and unpack "
                + "image \"" + reference + "\": failed to resolve reference \"" + reference + "\": " + reference
                + ": not found";
    }

    static String backOff(String image) {
        return "Back-off pulling image \"" + image + "\"";
    }
}
