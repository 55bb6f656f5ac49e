package io.gitjob.job.mode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.gitjob.gitrepo.JobMode;

class JobModesTest {

    @Test
    void autoFollowsWhetherFleetIsInstalled() {
        assertEquals(JobMode.FLEET, JobModes.choose("auto", true, null).mode());
        assertEquals(JobMode.KUBECTL, JobModes.choose("auto", false, null).mode());
    }

    @Test
    void theInstallationsSettingHoldsWhateverIsInstalled() {
        assertEquals(JobMode.KUBECTL, JobModes.choose("kubectl", true, null).mode());
        assertEquals(JobMode.FLEET, JobModes.choose("Fleet", false, null).mode());
    }

    @Test
    void aGitReposAnnotationOverridesTheSetting() {
        assertEquals(JobMode.KUBECTL, JobModes.choose("fleet", true, "kubectl").mode());
        assertEquals(JobMode.FLEET, JobModes.choose("auto", false, " fleet ").mode());
    }

    @Test
    void anUnknownModeIsAProblemNamedForTheUser() {
        var annotated = JobModes.choose("auto", true, "helm");
        assertNull(annotated.mode());
        assertTrue(annotated.problem().contains("gitjob.io/job-mode=helm"), annotated.problem());
        var configured = JobModes.choose("flet", true, null);
        assertNull(configured.mode());
        assertTrue(configured.problem().contains("gitjob.job.mode=flet"), configured.problem());
    }
}
