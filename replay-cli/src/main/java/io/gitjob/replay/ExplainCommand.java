package io.gitjob.replay;

import java.time.Clock;
import java.util.concurrent.Callable;

import io.gitjob.events.GitRepoKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Why a Job was, or was not, made for a commit of one GitRepo, in words: when the commit was "
                + "first seen and how (poll or webhook), every decision job-service recorded about it with its "
                + "reason, the Job and its outcome, or the reason none was made; for a commit never seen, the "
                + "GitRepo's fetch failures and polling. Reads only the GitRepo's partition and seeks by time.")
class ExplainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAMESPACE/NAME", description = "The GitRepo.")
    String gitRepo;

    @Option(names = "--commit", paramLabel = "SHA",
            description = "The commit (a unique prefix will do); default: the latest commit seen in the range.")
    String commit;

    @Option(names = "--json", description = "One JSON object instead of text.")
    boolean json;

    @Mixin
    TimeRange range;

    @Mixin
    BrokerOptions broker;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Clock clock;

    ExplainCommand(Clock clock) {
        this.clock = clock;
    }

    ExplainCommand() {
        this(Clock.systemUTC());
    }

    @Override
    public Integer call() {
        GitRepoKey key = Keys.parse(gitRepo);
        if (commit != null && commit.isBlank()) {
            throw new CliException(CliException.BAD_INPUT, "--commit must not be empty");
        }
        GitRepoHistory history;
        try (KafkaAccess kafka = broker.connect()) {
            history = GitRepoHistory.read(kafka, key, range.start(clock), range.end(), spec.commandLine().getErr());
        }
        CommitExplanation explanation = CommitExplanation.of(history, commit == null ? null : commit.strip());
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(RecordJson.line(ExplanationText.json(explanation)));
        } else {
            ExplanationText.lines(explanation).forEach(out::println);
        }
        return 0;
    }
}
