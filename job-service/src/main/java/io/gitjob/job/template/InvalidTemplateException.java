package io.gitjob.job.template;

/** The configured pod template cannot make a Job; the message says what to fix in it. */
public class InvalidTemplateException extends RuntimeException {
    public InvalidTemplateException(String message) {
        super(message);
    }

    public InvalidTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
