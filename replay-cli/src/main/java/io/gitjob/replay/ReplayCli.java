package io.gitjob.replay;

import java.io.PrintWriter;
import java.time.Clock;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code replay}: the tools users reach for to find out what happened to a GitRepo and why a Job was or was
 * not created. Exit codes: 0 done, 1 unexpected error, 2 bad input, 3 unknown topic, 4 broker unreachable.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, version = "gitjob replay 0.1",
        description = "Read gitjob's event history from Kafka: a GitRepo's timeline, why a Job was or was not made, raw records, copies of a "
                + "range into another topic, and the dead letters.",
        subcommands = { TimelineCommand.class, ExplainCommand.class, DumpCommand.class, RepublishCommand.class, DeadLettersCommand.class,
                CommandLine.HelpCommand.class },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = { "0:done", "1:unexpected error", "2:bad input (time, key, options)", "3:unknown topic",
                "4:broker unreachable within --timeout" })
public class ReplayCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "choose a command: timeline, explain, dump, republish or dead-letters");
    }

    /** Runs the tool; the clock decides what "now" is for --since. Nothing it prints carries a URL's credentials. */
    public static int run(String[] args, PrintWriter rawOut, PrintWriter rawErr, Clock clock) {
        PrintWriter out = new PrintWriter(new RedactingWriter(rawOut));
        PrintWriter err = new PrintWriter(new RedactingWriter(rawErr));
        CommandLine cli = new CommandLine(new ReplayCli(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                try {
                    // Commands that tell time take the clock, so tests can say what "now" is.
                    var withClock = type.getDeclaredConstructor(Clock.class);
                    withClock.setAccessible(true);
                    return withClock.newInstance(clock);
                } catch (NoSuchMethodException e) {
                    return CommandLine.defaultFactory().create(type);
                }
            }
        });
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliException known) {
                commandLine.getErr().println("error: " + known.getMessage());
                return known.exitCode();
            }
            commandLine.getErr().println("error: " + e);
            return 1;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
