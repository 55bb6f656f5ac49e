package io.gitjob.janitor;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.quarkus.scheduler.Scheduler;

/**
 * The janitor's two ways to run, one code path. Without arguments it is a service: runs on the schedule
 * {@code gitjob.janitor.schedule} until SIGTERM. With {@code --once} it runs once and exits, for a Kubernetes
 * CronJob ({@code fleet-cleanup-gitrepo-jobs}, {@code concurrencyPolicy: Forbid}): exit code 0 when the run
 * had no errors, 1 when it had, 2 for a bad command line.
 */
@QuarkusMain
public class JanitorMain implements QuarkusApplication {

    private static final Logger LOG = Logger.getLogger(JanitorMain.class);

    static final int OK = 0;
    static final int RUN_HAD_ERRORS = 1;
    static final int USAGE = 2;
    static final String USAGE_TEXT = "usage: janitor-service [--once]\n"
            + "  (no argument)  run as a service, on the cron schedule gitjob.janitor.schedule\n"
            + "  --once         run one cleanup now and exit: 0 without errors, 1 with errors";

    enum Mode {
        SERVICE, ONCE, HELP
    }

    @Inject
    CleanupRun cleanup;

    @Inject
    Scheduler scheduler;

    @Override
    public int run(String... args) {
        Mode mode;
        try {
            mode = mode(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE_TEXT);
            return USAGE;
        }
        switch (mode) {
            case HELP:
                System.out.println(USAGE_TEXT);
                return OK;
            case ONCE:
                // The schedule must not start a second run while this one goes (the lock would skip it anyway).
                scheduler.pause();
                return exitCode(cleanup.runConfigured().map(RunSummary::result).orElse(null));
            case SERVICE:
            default:
                LOG.info("Janitor running as a service; runs on its schedule until stopped");
                Quarkus.waitForExit();
                return OK;
        }
    }

    /** The mode the command line asks for; a single optional flag, parsed by hand. */
    static Mode mode(String... args) {
        if (args == null || args.length == 0) {
            return Mode.SERVICE;
        }
        if (args.length == 1) {
            switch (args[0]) {
                case "--once":
                    return Mode.ONCE;
                case "--help":
                case "-h":
                    return Mode.HELP;
                default:
                    throw new IllegalArgumentException("unknown argument: " + args[0]);
            }
        }
        throw new IllegalArgumentException("too many arguments: " + String.join(" ", args));
    }

    /** 0 for a run without errors; 1 for errors, a run that could not list, one cut short, or one not started. */
    static int exitCode(RunSummary.Result result) {
        return result == RunSummary.Result.SUCCESS ? OK : RUN_HAD_ERRORS;
    }
}
