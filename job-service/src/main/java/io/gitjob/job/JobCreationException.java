package io.gitjob.job;

/** A Job could not be created; job creation failed was published and the create is retried with backoff. */
public class JobCreationException extends RuntimeException {
    public JobCreationException(String jobName, Throwable cause) {
        super("cannot create Job " + jobName + ": " + cause.getMessage(), cause);
    }
}
