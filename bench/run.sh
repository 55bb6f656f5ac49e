#!/bin/sh
# The benchmark harness's one command: the pipeline through the real services (the sandbox: a real Kafka
# broker, Fabric8's MOCK API server, the sandbox's Job runner, the four services' built jars) at 300 and
# 1,000 GitRepos, with the raw Kafka baseline of the same run and each service's heap. Prints a table and
# writes bench/target/bench-results.json. See docs/performance.md.
#   bench/run.sh                     300 and 1,000 GitRepos
#   bench/run.sh 10000               one large size (does not finish on 2 cores against the mock API server)
#   bench/run.sh 200                 one small size
#   bench/run.sh --with-micro        also the per-service benchmarks (metrics, watcher, janitor, Kafka)
#   BENCH_SKIP_BUILD=true bench/run.sh   uses what was built last
# Heap per GitRepo of the services (paused GitRepos at 0, 50 to warm up, 1,000 and 5,000; --dump=dir for heap dumps;
# --every-series for every GitRepo's Job series in metrics-service;
# see docs/performance.md), after a build:
#   java -cp "$PWD/bench/target/classes:$(cat bench/target/runtime-classpath.txt)" io.gitjob.bench.pipeline.HeapBench 1000 5000
set -e
cd "$(dirname "$0")/.."
if [ "${BENCH_SKIP_BUILD:-false}" != true ]; then
  ./mvnw -B -ntp -q install -DskipTests
fi
exec java -Xmx2g -cp "$PWD/bench/target/classes:$(cat bench/target/runtime-classpath.txt)" \
  io.gitjob.bench.AllBenchmarks "$@"
