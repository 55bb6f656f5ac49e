package io.gitjob.watcher;

import io.gitjob.gitrepo.GitRepo;

/** A GitRepo whose spec gitjob cannot act on; the message says what to fix. */
public class InvalidGitRepoException extends RuntimeException {
    public InvalidGitRepoException(GitRepo gitRepo, String problem) {
        super("GitRepo " + gitRepo.getMetadata().getNamespace() + "/" + gitRepo.getMetadata().getName()
                + " is invalid: " + problem);
    }
}
