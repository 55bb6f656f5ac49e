package io.gitjob.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What the kubelet does with a container's environment before it starts it: each variable's value, literal or
 * from a key of a Secret or ConfigMap in the Pod's namespace ({@code valueFrom}), and {@code $(NAME)} in the
 * command, the arguments and later variables' values replaced by that variable ({@code $$} stands for a literal
 * {@code $}; a name that is not defined stays as written). A missing Secret, ConfigMap or key that is not
 * {@code optional} keeps a real container from starting ({@code CreateContainerConfigError}): here an
 * {@link IllegalStateException} with the kubelet's message.
 */
final class KubeletEnv {

    private KubeletEnv() {
    }

    /** The container's variables as the process would see them, in their order. */
    static Map<String, String> resolve(KubernetesClient client, String namespace, Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
            if (var.getValueFrom() == null) {
                env.put(var.getName(), expand(var.getValue() == null ? "" : var.getValue(), env));
                continue;
            }
            var secretRef = var.getValueFrom().getSecretKeyRef();
            var configMapRef = var.getValueFrom().getConfigMapKeyRef();
            if (secretRef != null) {
                Secret secret = client.secrets().inNamespace(namespace).withName(secretRef.getName()).get();
                String value = secret == null ? null : secretValue(secret, secretRef.getKey());
                put(env, var.getName(), value, Boolean.TRUE.equals(secretRef.getOptional()), secret == null
                        ? "secret \"" + secretRef.getName() + "\" not found"
                        : "couldn't find key " + secretRef.getKey() + " in Secret " + namespace + "/" + secretRef.getName());
            } else if (configMapRef != null) {
                ConfigMap map = client.configMaps().inNamespace(namespace).withName(configMapRef.getName()).get();
                String value = map == null || map.getData() == null ? null : map.getData().get(configMapRef.getKey());
                put(env, var.getName(), value, Boolean.TRUE.equals(configMapRef.getOptional()), map == null
                        ? "configmap \"" + configMapRef.getName() + "\" not found"
                        : "couldn't find key " + configMapRef.getKey() + " in ConfigMap " + namespace + "/"
                                + configMapRef.getName());
            }
            // fieldRef and resourceFieldRef: nothing gitjob's Jobs use; left unset.
        }
        return env;
    }

    /** The container's command and arguments, one list, with {@code $(NAME)} replaced from {@code env}. */
    static List<String> words(Container container, Map<String, String> env) {
        List<String> words = new java.util.ArrayList<>();
        (container.getCommand() == null ? List.<String>of() : container.getCommand()).forEach(w -> words.add(expand(w, env)));
        (container.getArgs() == null ? List.<String>of() : container.getArgs()).forEach(w -> words.add(expand(w, env)));
        return words;
    }

    /** Kubernetes' {@code $(VAR)} expansion: {@code $$} is one {@code $}, an unknown or unclosed reference stays. */
    static String expand(String text, Map<String, String> env) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 == text.length()) {
                out.append(c);
                continue;
            }
            char next = text.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i++;
            } else if (next == '(') {
                int close = text.indexOf(')', i + 2);
                String name = close < 0 ? null : text.substring(i + 2, close);
                if (name != null && env.containsKey(name)) {
                    out.append(env.get(name));
                } else {
                    out.append(close < 0 ? text.substring(i) : text.substring(i, close + 1));
                }
                i = close < 0 ? text.length() : close;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String secretValue(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().containsKey(key)) {
            return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
        }
        // The API server folds stringData into data; the mock in CRUD mode keeps it as written.
        return secret.getStringData() == null ? null : secret.getStringData().get(key);
    }

    private static void put(Map<String, String> env, String name, String value, boolean optional, String missing) {
        if (value != null) {
            env.put(name, value);
        } else if (!optional) {
            throw new IllegalStateException("CreateContainerConfigError: " + missing);
        }
    }
}
