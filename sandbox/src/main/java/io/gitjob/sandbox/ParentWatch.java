package io.gitjob.sandbox;

/**
 * A child process of the sandbox ends when its launcher ends, even when the launcher was killed with
 * {@code kill -9} and had no chance to stop it, so the broker and the API server do not keep their ports. (The
 * services, plain {@code java -jar} processes, do not watch their parent: docs/sandbox.md says so.)
 */
final class ParentWatch {

    private ParentWatch() {
    }

    static void exitWhenParentDies() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            System.err.println("the sandbox launcher is gone; stopping");
            System.exit(0);
        }));
    }
}
