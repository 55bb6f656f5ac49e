package io.gitjob.replay;

import java.io.PrintWriter;
import java.time.Clock;

import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/** {@code java -jar replay-cli/target/quarkus-app/quarkus-run.jar COMMAND ...}; see {@link ReplayCli}. */
@QuarkusMain
public class ReplayMain implements QuarkusApplication {
    @Override
    public int run(String... args) {
        return ReplayCli.run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                Clock.systemUTC());
    }
}
