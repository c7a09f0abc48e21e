#!/usr/bin/env bash
# Measures the packaged layer, as built by deploy/build-layer.sh, against the built-in Lambda
# simulator. Builds nothing: it fails if the layer or the simulator's classes are missing.
#
# usage: deploy/benchmark.sh [ARCH] [--runs N]      (ARCH defaults to this machine's)
#
# Writes target/benchmark/results.md (the table, also printed), target/benchmark/raw/*.json (the
# simulator's reports) and target/benchmark/{start,ingest,floor}.json (the figures per run).
#
# Each run starts the layer's launcher from target/layer/<arch>/extensions/ with a PATH that holds
# no java (the proof that the layer needs no system Java) under the simulator, which plays Lambda:
#   start:  --mode default --invocations $BENCH_INVOCATIONS (20000) --benchmark --report FILE
#   ingest: --mode default --log-heavy --invocations $BENCH_HEAVY_INVOCATIONS (50) --benchmark
#           --report FILE      (1 MiB batches of function logs)
# and times `jre/bin/java -version` of the bundled runtime, the JVM's own floor on this machine.
#
# Keys read from the simulator's --report JSON (numbers; a missing key shows as n/a):
#   registerMs          process start -> register request received
#   subscribeMs         process start -> Telemetry API subscribe received
#   readyMs             process start -> first event/next received
#   rssKbAfterStart     extension RSS once ready (KiB)
#   rssKbAfter10k       RSS after 10 000 invocations (KiB)
#   rssKbAfter20k       RSS after 20 000 invocations (KiB)
#   cpuMsPerInvocation  extension CPU time (user+sys) per warm invocation (ms)
#   addedMsP50          runtimeDone delivered -> extension's next, median (ms)
#   addedMsP99          the same, 99th percentile (ms)
#   shutdownToExitMs    SHUTDOWN delivered -> extension process exited (ms)
#   ingestMBps          log-heavy: telemetry bytes accepted per second (MB/s)
#   ingestEventsPerSec  log-heavy: events accepted per second
#   droppedEvents       log-heavy: events the extension reported dropped (must be 0)
#
# Environment: BENCH_RUNS (5), BENCH_INVOCATIONS (20000), BENCH_HEAVY_INVOCATIONS (50),
#   BENCH_SIMULATOR (default: java -cp <test classpath> dev.lambdatelemetry.otel.simulator.SimulatorMain)
set -euo pipefail

readonly NAME=lambda-telemetry-otel
readonly SIMULATOR_MAIN=dev.lambdatelemetry.otel.simulator.SimulatorMain
readonly START_KEYS="registerMs subscribeMs readyMs rssKbAfterStart rssKbAfter10k rssKbAfter20k cpuMsPerInvocation addedMsP50 addedMsP99 shutdownToExitMs"
readonly INGEST_KEYS="ingestMBps ingestEventsPerSec droppedEvents"

die() { echo "benchmark: $*" >&2; exit 1; }

root=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$root"
case "$(uname -m)" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac
runs=${BENCH_RUNS:-5}
while [ $# -gt 0 ]; do
  case "$1" in
    x86_64 | arm64) arch=$1 ;;
    --runs) runs=${2:?--runs needs a number}; shift ;;
    *) die "usage: $0 [x86_64|arm64] [--runs N]" ;;
  esac
  shift
done
case "$runs" in '' | *[!0-9]* | 0) die "--runs must be a positive number" ;; esac

command -v jq >/dev/null || die "jq is required to read the simulator's reports"
tree=target/layer/$arch
launcher=$root/$tree/extensions/$NAME
zipfile=target/layer/$NAME-$arch.zip
[ -x "$launcher" ] && [ -f "$zipfile" ] || die "no layer in $tree: run deploy/build-layer.sh $arch first"

# The simulator runs on the build's Java; the extension under it must not see any java.
java_bin=$(command -v java) || die "the simulator needs a java on the PATH (any 17+)"
# On merged-/usr systems java sits in /usr/bin next to sh and env, so dropping directories from
# PATH does not work: the PATH is one directory of links to everything on ours except java.
nojava_path=$root/target/benchmark-nojava-bin
rm -rf "$nojava_path"
mkdir -p "$nojava_path"
IFS=: read -r -a dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  [ -d "$d" ] || continue
  for f in "$d"/*; do
    b=${f##*/}
    [ "$b" != java ] && [ -x "$f" ] && [ ! -e "$nojava_path/$b" ] && ln -s "$f" "$nojava_path/$b"
  done
done
if PATH=$nojava_path command -v java >/dev/null; then die "could not build a PATH without java"; fi

simulator=${BENCH_SIMULATOR:-}
if [ -z "$simulator" ]; then
  [ -f target/test-classes/dev/lambdatelemetry/otel/simulator/SimulatorMain.class ] \
    && [ -s target/test-classpath.txt ] || die \
    "the simulator is not built: run ./mvnw test-compile dependency:build-classpath" \
    "-Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt (build-layer.sh does it)"
  simulator="$java_bin -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) $SIMULATOR_MAIN"
fi

out=target/benchmark
rm -rf "$out"
mkdir -p "$out/raw"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
for i in $(seq 1 "$runs"); do
  echo "benchmark: run $i/$runs" >&2
  # shellcheck disable=SC2086
  env PATH="$nojava_path" $simulator --extension-cmd "$launcher" --mode default \
    --invocations "${BENCH_INVOCATIONS:-20000}" --benchmark --quiet --report "$out/raw/start-$i.json" >&2 \
    || die "run $i: the simulator failed (report: $out/raw/start-$i.json)"
  # shellcheck disable=SC2086
  env PATH="$nojava_path" $simulator --extension-cmd "$launcher" --mode default --log-heavy \
    --invocations "${BENCH_HEAVY_INVOCATIONS:-50}" --benchmark --quiet --report "$out/raw/ingest-$i.json" >&2 \
    || die "run $i: the log-heavy simulator run failed"
  t0=$(now_ms)
  "$tree/$NAME/jre/bin/java" -version >/dev/null 2>&1
  echo "{\"javaVersionMs\": $(($(now_ms) - t0))}" >"$out/raw/floor-$i.json"
done

# One JSON document per run, then median / min / max per key. The simulator's first report shape
# (processToRegisterMs, rssKb.ready / rssKb."after-N-invocations", invocations[].addedMs / .cpuMs)
# is read too, mapped onto the names above.
readonly NORMALIZE='
  def pct(p): [.[] | numbers] | sort | if length == 0 then null
    else .[((length * p / 100) | ceil) - 1 | if . < 0 then 0 else . end] end;
  . as $r | ($r.invocations // []) as $inv | {
    registerMs: ($r.registerMs // $r.processToRegisterMs),
    subscribeMs: ($r.subscribeMs // $r.processToSubscribeMs),
    readyMs: ($r.readyMs // $r.processToReadyMs),
    rssKbAfterStart: ($r.rssKbAfterStart // $r.rssKb.ready),
    rssKbAfter10k: ($r.rssKbAfter10k // $r.rssKb["after-10000-invocations"]),
    rssKbAfter20k: ($r.rssKbAfter20k // $r.rssKb["after-20000-invocations"]),
    cpuMsPerInvocation: ($r.cpuMsPerInvocation
      // ([$inv[1:][] | .cpuMs | numbers] | if length == 0 then null else add / length end)),
    addedMsP50: ($r.addedMsP50 // ([$inv[] | .addedMs] | pct(50))),
    addedMsP99: ($r.addedMsP99 // ([$inv[] | .addedMs] | pct(99))),
    shutdownToExitMs: $r.shutdownToExitMs,
    ingestMBps: $r.ingestMBps, ingestEventsPerSec: $r.ingestEventsPerSec, droppedEvents: $r.droppedEvents }'
jq -s "map($NORMALIZE)" "$out"/raw/start-*.json >"$out/start.json"
jq -s "map($NORMALIZE)" "$out"/raw/ingest-*.json >"$out/ingest.json"
jq -s '.' "$out"/raw/floor-*.json >"$out/floor.json"
stats() { # file key -> "median min max" or "n/a n/a n/a"
  jq -r --arg k "$2" '[.[] | .[$k] | numbers] | sort
    | if length == 0 then "n/a n/a n/a"
      else "\(if length % 2 == 1 then .[length/2|floor] else (.[length/2-1] + .[length/2]) / 2 end
             | . * 10 | round / 10) \(.[0] | . * 10 | round / 10) \(.[-1] | . * 10 | round / 10)" end' "$1"
}
zip_kb=$(du -k "$zipfile" | cut -f1)
tree_kb=$(du -sk "$tree" | cut -f1)
floor=$(stats "$out/floor.json" javaVersionMs)
ready=$(stats "$out/start.json" readyMs)
ratio=n/a
if [ "${ready%% *}" != n/a ] && [ "${floor%% *}" != 0 ]; then
  ratio=$(awk -v r="${ready%% *}" -v f="${floor%% *}" 'BEGIN { printf "%.1f", r / f }')
fi

{
  echo "# lambda-telemetry-otel layer benchmark"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "- machine: $(nproc) vCPU, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null), $(uname -sr)"
  echo "- layer: $zipfile, $arch; runs: $runs; command: deploy/benchmark.sh $arch --runs $runs"
  echo "- extension started through its launcher with a PATH that contains no java"
  echo
  echo "| figure | median | min | max |"
  echo "| --- | ---: | ---: | ---: |"
  for k in $START_KEYS; do
    read -r med lo hi <<<"$(stats "$out/start.json" "$k")"
    echo "| $k | $med | $lo | $hi |"
  done
  for k in $INGEST_KEYS; do
    read -r med lo hi <<<"$(stats "$out/ingest.json" "$k")"
    echo "| $k | $med | $lo | $hi |"
  done
  read -r med lo hi <<<"$floor"
  echo "| bundled \`java -version\` (ms, the floor) | $med | $lo | $hi |"
  echo
  echo "- readyMs / java -version: ${ratio}x"
  echo "- layer size: ${zip_kb} KiB zipped, ${tree_kb} KiB unzipped"
} | tee "$out/results.md"
