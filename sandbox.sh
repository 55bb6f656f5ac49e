#!/bin/sh
# Runs the whole of gitjob on this machine: a Kafka broker, a simulated Kubernetes API (Fabric8's mock API
# server), a Job runner playing the kubelet, a sample Git repository and the four services. Needs a JDK 17+
# only. See docs/sandbox.md. Options: ./sandbox.sh --help. Ctrl-C stops everything.
#   Fleet mode by default (Fleet's Bundle CRD in the cluster, a stand-in for fleet apply: kubectl get bundles);
#   ./sandbox.sh --job-mode=kubectl   gitjob standalone, without Fleet.
#   GITJOB_SANDBOX_SKIP_BUILD=true ./sandbox.sh   starts what was built last, without building.
set -e
cd "$(dirname "$0")"
if [ "${GITJOB_SANDBOX_SKIP_BUILD:-false}" != true ]; then
  ./mvnw -B -ntp -q install -DskipTests
fi
# exec: the launcher replaces this shell, so Ctrl-C and SIGTERM reach it and it stops every process it started.
exec java -cp "$PWD/sandbox/target/classes:$(cat sandbox/target/runtime-classpath.txt)" io.gitjob.sandbox.Sandbox "$@"
