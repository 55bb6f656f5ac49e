package io.gitjob.sandbox;

/**
 * A child process of the sandbox ends when its launcher ends, even when the launcher was killed with
 * {@code kill -9} and had no chance to stop it: nothing of the sandbox is left behind holding a port.
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
