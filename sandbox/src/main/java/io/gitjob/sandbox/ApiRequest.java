package io.gitjob.sandbox;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A Kubernetes API request as RBAC and audit logs name it: a verb ({@code get}, {@code list}, {@code watch},
 * {@code create}, {@code update}, {@code patch}, {@code delete}, {@code deletecollection}) on a resource (its
 * plural, with the subresource after a slash: {@code gitrepos/status}), in an API group ({@code ""} for the core
 * group). Requests that name no resource (discovery, {@code /version}) have the resource {@code ""}.
 */
record ApiRequest(String verb, String group, String resource, String namespace, String name) {

    /** From the HTTP method and the path, with or without its query. */
    static ApiRequest of(String method, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return of(method, q < 0 ? pathAndQuery : pathAndQuery.substring(0, q), q < 0 ? null
                : pathAndQuery.substring(q + 1));
    }

    static ApiRequest of(String method, String path, String rawQuery) {
        List<String> segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        String group = "";
        List<String> rest;
        if (segments.size() >= 2 && segments.get(0).equals("api")) {
            rest = segments.subList(2, segments.size());
        } else if (segments.size() >= 3 && segments.get(0).equals("apis")) {
            group = segments.get(1);
            rest = segments.subList(3, segments.size());
        } else {
            rest = List.of();
        }
        String namespace = null;
        // namespaces/<ns>/<resource>...: a namespaced resource; namespaces[/<name>] alone is the Namespace kind.
        if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
            namespace = rest.get(1);
            rest = rest.subList(2, rest.size());
        }
        String resource = rest.isEmpty() ? "" : rest.get(0);
        String name = rest.size() >= 2 ? rest.get(1) : null;
        if (rest.size() >= 3) {
            resource = resource + "/" + rest.get(2);
        }
        return new ApiRequest(verb(method, name != null, ApiFront.isWatch(method, rawQuery)), group, resource,
                namespace, name);
    }

    private static String verb(String method, boolean named, boolean watch) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET", "HEAD" -> watch ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase(Locale.ROOT);
        };
    }
}
