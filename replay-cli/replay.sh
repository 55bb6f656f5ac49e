#!/bin/sh
# replay-cli with the JVM tuned for a short command-line run: the client compiler only and the serial
# collector start faster than the defaults and are plenty for one read. Build first (docs/replay.md).
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC ${REPLAY_JAVA_OPTS:-} \
  -jar "$(dirname "$0")/target/quarkus-app/quarkus-run.jar" "$@"
