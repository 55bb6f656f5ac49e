package io.gitjob.job.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The template mechanics of the kubectl mode's pod template (gitjob.job.template-file). */
class PodTemplateTest {

    @Test
    void anUnknownPlaceholderIsRejectedNamingIt() {
        var e = assertThrows(InvalidTemplateException.class, () -> PodTemplate.parse("""
                spec:
                  containers: [{name: x, image: "{{imgae}}"}]
                """, "test.yaml"));
        assertTrue(e.getMessage().contains("[imgae]"), e.getMessage());
    }

    @Test
    void aTemplateThatIsNotAPodTemplateIsRejected() {
        assertThrows(InvalidTemplateException.class, () -> PodTemplate.parse("just text", "test.yaml"));
        assertThrows(InvalidTemplateException.class, () -> PodTemplate.parse("spec: [1, 2]", "test.yaml"));
    }

    @Test
    void valuesNeverChangeTheTemplatesStructure() {
        var template = PodTemplate.parse("""
                spec:
                  containers: [{name: x, image: "img", args: ["{{repo}}"]}]
                """, "test.yaml");
        var pod = template.render(Map.of("repo", "a\", \"injected: [1]\n- b"));
        assertEquals(List.of("a\", \"injected: [1]\n- b"), pod.getSpec().getContainers().get(0).getArgs());
    }

    @Test
    void aListPlaceholderBecomesItsElementsInPlace() {
        var template = PodTemplate.parse("""
                spec:
                  containers: [{name: x, image: img, args: [apply, "{{kubectlApplyArgs}}", --dry-run=server]}]
                """, "test.yaml");
        var pod = template.render(Map.of(), Map.of("kubectlApplyArgs", List.of("-f", "a b", "-f", "c")));
        assertEquals(List.of("apply", "-f", "a b", "-f", "c", "--dry-run=server"),
                pod.getSpec().getContainers().get(0).getArgs());
        assertEquals(List.of("apply", "--dry-run=server"),
                template.render(Map.of(), Map.of()).getSpec().getContainers().get(0).getArgs());
    }

    @Test
    void aListPlaceholderInsideAStringIsRejected() {
        var e = assertThrows(InvalidTemplateException.class, () -> PodTemplate.parse("""
                spec:
                  containers: [{name: x, image: img, args: ["kubectl {{kubectlApplyArgs}}"]}]
                """, "test.yaml"));
        assertTrue(e.getMessage().contains("[kubectlApplyArgs]"), e.getMessage());
    }

    @Test
    void aSecretVolumeWithoutANameIsDroppedWithItsMounts() {
        var template = PodTemplate.parse("""
                spec:
                  volumes: [{name: creds, secret: {secretName: "{{credentialsSecretName}}"}}]
                  containers: [{name: x, image: img, volumeMounts: [{name: creds, mountPath: /c}]}]
                """, "test.yaml");
        var pod = template.render(Map.of());
        assertTrue(pod.getSpec().getVolumes().isEmpty());
        assertTrue(pod.getSpec().getContainers().get(0).getVolumeMounts().isEmpty());
    }
}
