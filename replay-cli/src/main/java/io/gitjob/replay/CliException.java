package io.gitjob.replay;

/** An error the user can act on, with the exit code that tells scripts which kind it was. */
public class CliException extends RuntimeException {

    public static final int BAD_INPUT = 2;
    public static final int UNKNOWN_TOPIC = 3;
    public static final int BROKER_UNREACHABLE = 4;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
