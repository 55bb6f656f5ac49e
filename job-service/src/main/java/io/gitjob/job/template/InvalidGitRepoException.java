package io.gitjob.job.template;

/**
 * The GitRepo as it is cannot make a Job (a credentials Secret it names is missing or unusable, bundle paths no
 * separator fits): the message says what to fix, in words fit for the GitRepo's {@code Accepted} condition. A
 * sibling of a broken template, so one catch handles both.
 */
public class InvalidGitRepoException extends InvalidTemplateException {
    public InvalidGitRepoException(String message) {
        super(message);
    }
}
