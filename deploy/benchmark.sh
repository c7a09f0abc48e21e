#!/usr/bin/env bash
# Measures the packaged layer, as built by deploy/build-layer.sh, against the built-in Lambda
# simulator. Builds nothing: it fails if the layer or the simulator's classes are missing.
#
# usage: deploy/benchmark.sh [ARCH] [--runs N] [--invocations N] [--heavy-invocations N]
#        deploy/benchmark.sh [ARCH] --lambda-shaped MB [--beside-node MB] [--bisect] [--smaps] ...
#        deploy/benchmark.sh [ARCH] --collector-delay MS[,MS...] [--rate N] [--strategies S[,S...]] [--invocations N]
#   ARCH defaults to this machine's; --runs 5, --invocations 20000, --heavy-invocations 50 by default
#   (the figures issue 5 asks for; smaller counts give a quick look, without the 10k/20k RSS rows).
#   --lambda-shaped MB (or --bisect) runs deploy/lambda-shaped.sh instead, with the other options:
#   the launcher inside a cgroup sized like a function of MB (memory limit, CPU quota MB / 1769 of
#   a vCPU), started cold; see that script's header for its options and figures. Needs root.
#
# --collector-delay runs the flush comparison instead (issue 13): for each delay (ms, e.g. 5,20,80) and each
# strategy of --strategies (default end,adaptive; set as LAMBDA_TELEMETRY_EXPORT_FLUSH_STRATEGY), one run of
# --invocations fast invocations (default 600) against a collector that answers each request after the delay,
# at --rate invocations a second (the extension frozen with SIGSTOP for 1/N s after each; without --rate they
# follow each other at once). Writes target/benchmark/flush/results.md (and raw/*.json), one row per run: added
# time p50/p99 over the first 20 invocations (the adaptive strategy flushes at their end) and over the ones after,
# the longest a span and a function log record waited before reaching the collector (its arrival minus the
# span's end or the record's timestamp), spans received twice, function log lines lost, CPU per warm invocation.
#
# Writes target/benchmark/results.md (the table, also printed), target/benchmark/raw/*.json (the
# simulator's reports) and target/benchmark/{start,ingest,floor}.json (the figures per run).
# Takes about 2.5 minutes a run on 2 shared vCPUs (20 000 invocations ~2 min, log-heavy ~15 s).
#
# Each run starts the layer's launcher from target/layer/<arch>/extensions/ with a PATH that holds
# no java (the proof that the layer needs no system Java) under the simulator, which plays Lambda,
# with a healthy OTLP/HTTP collector on loopback (--collector) and a free listener port:
#   start:  --benchmark --invocations N: fast warm invocations (handlers return at once; each
#           runtimeDone's batch is sent at once instead of after the 25 ms buffering timer)
#   ingest: --benchmark --log-heavy --invocations N: each invocation logs 1 000 lines of ~1 KiB,
#           delivered in ~1 MiB batches (the extension subscribes with maxBytes 1048576 here)
# and times `jre/bin/java -version` of the bundled runtime, the JVM's own floor on this machine.
# "Warm" means after the first tenth of the invocations (at most 1 000).
#
# Keys read from the simulator's --report JSON (numbers; a missing key shows as n/a):
#   registerMs          process start -> register request received
#   subscribeMs         process start -> Telemetry API subscribe received
#   readyMs             process start -> first event/next received
#   rssKbAfterStart     extension RSS once ready (KiB, VmRSS of the process tree)
#   rssKbAfter10k       RSS after 10 000 invocations (KiB)
#   rssKbAfter20k       RSS after 20 000 invocations (KiB)
#   cpuMsPerInvocation  extension CPU time (user+sys, all threads) per warm invocation (ms)
#   addedMsP50          runtimeDone's batch answered -> extension's next, median of warm invocations (ms)
#   addedMsP99          the same, 99th percentile (ms)
#   shutdownToExitMs    SHUTDOWN delivered -> extension process exited (ms)
#   ingestMBps          log-heavy: telemetry bytes the listener accepted per second of the warm phase
#                       (MB = 10^6 bytes; the phase ends when the extension called next after the last
#                       invocation, i.e. after it converted and exported everything)
#   ingestEventsPerSec  log-heavy: events accepted per second, the same way
#   droppedEvents       log-heavy: events lost, must be 0: the events of platform.logsDropped the
#                       simulator had to emit (a POST failed twice) plus function log lines the
#                       collector did not receive
#
# Environment: BENCH_RUNS, BENCH_INVOCATIONS, BENCH_HEAVY_INVOCATIONS (defaults of the flags above),
#   BENCH_SIMULATOR (default: java -cp <test classpath> dev.lambdatelemetry.otel.simulator.process.SimulatorMain)
set -euo pipefail

readonly NAME=lambda-telemetry-otel
readonly SIMULATOR_MAIN=dev.lambdatelemetry.otel.simulator.process.SimulatorMain

die() { echo "benchmark: $*" >&2; exit 1; }

root=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$root"
case "$(uname -m)" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac
for a in "$@"; do
  case "$a" in --lambda-shaped | --bisect) exec "$root/deploy/lambda-shaped.sh" "$@" ;; esac
done
runs=${BENCH_RUNS:-5}
invocations=${BENCH_INVOCATIONS:-}
heavy=${BENCH_HEAVY_INVOCATIONS:-50}
delays=
rate=
strategies=end,adaptive
while [ $# -gt 0 ]; do
  case "$1" in
    x86_64 | arm64) arch=$1 ;;
    --runs) runs=${2:?--runs needs a number}; shift ;;
    --invocations) invocations=${2:?--invocations needs a number}; shift ;;
    --heavy-invocations) heavy=${2:?--heavy-invocations needs a number}; shift ;;
    --collector-delay) delays=${2:?--collector-delay needs milliseconds, e.g. 5,20,80}; shift ;;
    --rate) rate=${2:?--rate needs invocations per second}; shift ;;
    --strategies) strategies=${2:?--strategies needs e.g. end,adaptive}; shift ;;
    *) die "usage: $0 [x86_64|arm64] [--runs N] [--invocations N] [--heavy-invocations N]" \
      "| [x86_64|arm64] --collector-delay MS[,MS...] [--rate N] [--strategies S[,S...]] [--invocations N]" ;;
  esac
  shift
done
if [ -n "$delays" ]; then
  invocations=${invocations:-600}
else
  invocations=${invocations:-20000}
fi
for n in "$runs" "$invocations" "$heavy" ${rate:+"$rate"}; do
  case "$n" in '' | *[!0-9]* | 0) die "--runs, --invocations, --heavy-invocations and --rate take positive numbers" ;; esac
done
for d in ${delays//,/ }; do
  case "$d" in *[!0-9]*) die "--collector-delay takes milliseconds, e.g. 5,20,80" ;; esac
done

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
  [ -f target/test-classes/dev/lambdatelemetry/otel/simulator/process/SimulatorMain.class ] \
    && [ -s target/test-classpath.txt ] || die \
    "the simulator is not built: run ./mvnw test-compile dependency:build-classpath" \
    "-Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt (build-layer.sh does it)"
  simulator="$java_bin -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) $SIMULATOR_MAIN"
fi

# The flush comparison (issue 13): one run per collector delay and strategy, one table.
if [ -n "$delays" ]; then
  out=target/benchmark/flush
  rm -rf "$out"
  mkdir -p "$out/raw"
  started=$(date +%s)
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  for d in ${delays//,/ }; do
    for s in ${strategies//,/ }; do
      echo "benchmark: strategy $s, collector answering after $d ms${rate:+, $rate/s}" >&2
      # shellcheck disable=SC2086
      env PATH="$nojava_path" $simulator --extension-cmd "$launcher" --mode default --free-listener-port \
        --collector-delay "${d}ms" ${rate:+--rate "$rate"} --env "LAMBDA_TELEMETRY_EXPORT_FLUSH_STRATEGY=$s" \
        --invocations "$invocations" --benchmark --quiet --report "$out/raw/flush-$s-${d}ms.json" >&2 \
        || echo "benchmark: strategy $s, delay $d ms: the simulator reported a failure (see the row's violations)" >&2
      [ -s "$out/raw/flush-$s-${d}ms.json" ] || die "strategy $s, delay $d ms: no report"
    done
  done
  {
    echo "# lambda-telemetry-otel flush strategies against a collector with real round trips"
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "- machine: $(nproc) vCPU, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null), $(uname -sr)"
    echo "- load average before / after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg); $(($(date +%s) - started)) s"
    echo "- command: deploy/benchmark.sh $arch --collector-delay $delays${rate:+ --rate $rate} --strategies $strategies --invocations $invocations"
    echo "- $invocations invocations a run (handlers return at once), ${rate:-back to back}${rate:+ a second, frozen (SIGSTOP) 1/$rate s after each}"
    echo
    echo "| strategy | collector answers after | added p50 / p99, first 20 (ms) | added p50 / p99, after (ms) | longest wait, span / function log (ms) | spans twice | function log lines lost (counted abandoned / dropped) | CPU per invocation (ms) | violations |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    for d in ${delays//,/ }; do
      for s in ${strategies//,/ }; do
        jq -r --arg s "$s" --arg d "$d" 'def f: if type == "number" then (. * 10 | round / 10 | tostring) else "n/a" end;
          "| \($s) | \($d) ms | \(.addedMsFirst20P50 | f) / \(.addedMsFirst20P99 | f) | \(.addedMsAfter20P50 | f) / \(.addedMsAfter20P99 | f) | \(.maxSpanWaitMs | f) / \(.maxLogWaitMs | f) | \(.duplicateSpans | f) | \(.droppedEvents | f) (\(.logsAbandonedCounted | f) / \(.logsDroppedCounted | f)) | \(.cpuMsPerInvocation | f) | \((.violations // []) | if length == 0 then "none" else join("; ") end) |"' \
          "$out/raw/flush-$s-${d}ms.json"
      done
    done
  } | tee "$out/results.md"
  exit 0
fi

out=target/benchmark
rm -rf "$out"
mkdir -p "$out/raw"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
started=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for i in $(seq 1 "$runs"); do
  echo "benchmark: run $i/$runs" >&2
  # shellcheck disable=SC2086
  env PATH="$nojava_path" $simulator --extension-cmd "$launcher" --mode default --collector --free-listener-port \
    --invocations "$invocations" --benchmark --quiet --report "$out/raw/start-$i.json" >&2 \
    || die "run $i: the simulator failed (report: $out/raw/start-$i.json)"
  # shellcheck disable=SC2086
  env PATH="$nojava_path" $simulator --extension-cmd "$launcher" --mode default --collector --free-listener-port \
    --env LAMBDA_TELEMETRY_SUBSCRIPTION_BUFFERING_MAX_BYTES=1048576 --log-heavy \
    --invocations "$heavy" --benchmark --quiet --report "$out/raw/ingest-$i.json" >&2 \
    || die "run $i: the log-heavy simulator run failed (report: $out/raw/ingest-$i.json)"
  t0=$(now_ms)
  "$tree/$NAME/jre/bin/java" -version >/dev/null 2>&1
  echo "{\"javaVersionMs\": $(($(now_ms) - t0))}" >"$out/raw/floor-$i.json"
done
elapsed=$(($(date +%s) - started))

# One JSON document per run (the simulator's report already uses the names above), then median /
# min / max per key.
readonly KEEP='{registerMs, subscribeMs, readyMs, rssKbAfterStart, rssKbAfter10k, rssKbAfter20k,
  cpuMsPerInvocation, addedMsP50, addedMsP99, shutdownToExitMs, ingestMBps, ingestEventsPerSec,
  droppedEvents}'
jq -s "map($KEEP)" "$out"/raw/start-*.json >"$out/start.json"
jq -s "map($KEEP)" "$out"/raw/ingest-*.json >"$out/ingest.json"
jq -s '.' "$out"/raw/floor-*.json >"$out/floor.json"
stats() { # file key [divisor] -> "median min max" or "n/a n/a n/a"
  jq -r --arg k "$2" --argjson d "${3:-1}" '[.[] | .[$k] | numbers | . / $d] | sort
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
  echo "- load average before / after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- layer: $zipfile, $arch; runs: $runs ($invocations invocations + $heavy log-heavy each), ${elapsed} s"
  echo "- command: deploy/benchmark.sh $arch --runs $runs --invocations $invocations --heavy-invocations $heavy"
  echo "- bundled runtime: $("$tree/$NAME/jre/bin/java" -version 2>&1 | sed -n 2p)"
  echo "- extension started through its launcher with a PATH that contains no java"
  echo
  echo "| figure | key | median | min | max | target (issue 5) |"
  echo "| --- | --- | ---: | ---: | ---: | --- |"
  row() { # file key divisor label target
    read -r med lo hi <<<"$(stats "$1" "$2" "$3")"
    echo "| $4 | $2 | $med | $lo | $hi | $5 |"
  }
  s=$out/start.json
  row "$s" registerMs 1 "process start → register (ms)" "≤ 20"
  row "$s" subscribeMs 1 "process start → subscribe (ms)" ""
  row "$s" readyMs 1 "process start → first \`next\`, ready (ms)" "≤ 400"
  row "$s" rssKbAfterStart 1024 "RSS once ready (MiB)" "≤ 90"
  row "$s" rssKbAfter10k 1024 "RSS after 10 000 invocations (MiB)" "≤ 100"
  row "$s" rssKbAfter20k 1024 "RSS after 20 000 invocations (MiB)" "no growth from 10k"
  row "$s" cpuMsPerInvocation 1 "CPU per warm invocation (ms)" ""
  row "$s" addedMsP50 1 "added per invocation, runtimeDone delivered → \`next\`, p50 (ms)" ""
  row "$s" addedMsP99 1 "added per invocation, p99 (ms)" ""
  row "$s" shutdownToExitMs 1 "SHUTDOWN → exit (ms)" "< 2 000 (Lambda's deadline)"
  row "$s" droppedEvents 1 "function log lines lost in the 20k runs" "0"
  i=$out/ingest.json
  row "$i" ingestMBps 1 "log-heavy ingest, ~1 MiB batches (MB/s)" ""
  row "$i" ingestEventsPerSec 1 "log-heavy ingest (events/s)" ""
  row "$i" droppedEvents 1 "events dropped in the log-heavy runs" "0"
  read -r med lo hi <<<"$floor"
  echo "| bundled \`java -version\`, the JVM's floor (ms) | javaVersionMs | $med | $lo | $hi | |"
  echo
  echo "- readyMs / java -version: ${ratio}x"
  echo "- layer size: $(awk -v k="$zip_kb" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }') MB zipped (${zip_kb} KiB; target ≤ 60 MB)," \
    "$(awk -v k="$tree_kb" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }') MB unzipped (${tree_kb} KiB)"
} | tee "$out/results.md"
