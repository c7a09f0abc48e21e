#!/usr/bin/env bash
# Measures the packaged layer the way Lambda counts it (issue 12): the layer's launcher runs under
# the built-in simulator inside a cgroup of its own, sized like a function's execution environment,
# started cold. Builds nothing: run deploy/build-layer.sh ARCH first (the simulator's classes too).
# Needs root (cgroups, drop_caches), jq, and node for --beside-node. Also reached through
# `deploy/benchmark.sh ARCH --lambda-shaped MB ...`.
#
# usage: deploy/lambda-shaped.sh [ARCH] [--memory MB] [--beside-node MB] [--invocations N]
#                                [--cpu-of MB] [--bisect [--floor MB]] [--smaps] [--name NAME]
#                                [--java-opts "OPTIONS"]
#        deploy/lambda-shaped.sh --tables DIR...
#   --memory MB       the function's memory size (default 128): memory limit of the cgroup, and
#                     AWS_LAMBDA_FUNCTION_MEMORY_SIZE given to the extension
#   --cpu-of MB       CPU quota of a function of this size (default: --memory): MB / 1769 of one CPU,
#                     cpu.cfs_quota_us over a 100 ms period (Lambda gives one vCPU at 1769 MB)
#   --beside-node MB  also runs a stand-in function in the same cgroup: a Node.js process that fills
#                     Buffers until its own RSS reaches MB MiB and then idles (a small Node handler
#                     holds ~60 MB); it starts before the extension and is killed at the end
#   --invocations N   fast warm invocations (default 3000; at least 2001 for the "after 2 000" row,
#                     10 000 or more adds the after-10k figures)
#   --bisect          finds the smallest memory size, in 8 MB steps between --floor (default 32)
#                     and --memory, at which N invocations (default 2000) run with no stall, no OOM
#                     kill and no more than 10 % added to ready (or a limit never reached:
#                     memory.failcnt 0, so any slower ready is noise; a size that fails on ready
#                     alone is run a second time, and passes if that run does). The CPU quota stays that of
#                     --cpu-of (default --memory) in every step, so that ready time compares memory
#                     sizes only: with the quota following the size, each 8 MB step down would add
#                     ~7 % to ready by CPU alone. The first run, at --memory, is the reference.
#   --java-opts "..." extra JVM options for the extension (LAMBDA_TELEMETRY_JAVA_OPTS, placed last by
#                     the launcher), to measure a flag before it goes into the launcher
#   --tables DIR...   prints the table of runs kept in DIRs (target/benchmark/lambda-shaped/NAME),
#                     their figures computed again from their reports and snapshots; runs nothing
#   --smaps           at ready, also keeps /proc/PID/smaps and, with -XX:NativeMemoryTracking=summary
#                     (passed through LAMBDA_TELEMETRY_JAVA_OPTS; NMT costs a little memory itself),
#                     `jcmd PID System.map` of a local JDK 25 (LAMBDA_SHAPED_JCMD, default the first
#                     /usr/lib/jvm/temurin-25*/bin/jcmd), and writes where-every-mib.md: resident
#                     memory at ready by what it holds (AOT cache, jre lib/modules, libjvm, jars,
#                     Java heap, code cache, metaspace/class space, thread stacks, malloc, ...)
#
# Each run:
#   1. creates cgroups under this shell's own (v1: memory, cpu and cpuacct hierarchies under
#      /sys/fs/cgroup/<controller>; v2: one cgroup with memory.max and cpu.max), with the memory
#      limit and the CPU quota above; removes them at the end whatever happens (trap), after
#      killing whatever this run started in them (the extension, the Node stand-in);
#   2. lets the simulator run its usual harness warm-up (30 invocations) OUTSIDE the cgroup;
#   3. before the measured start (simulator --probe, label before-start): sync, drop the page cache
#      (`echo 3 > /proc/sys/vm/drop_caches`: a new environment starts cold; this is machine-wide),
#      starts the Node stand-in in the cgroup and waits until it holds its memory, resets the
#      cgroup's peak; then the extension command, a wrapper that writes its own PID into the
#      cgroup's cgroup.procs and execs the launcher, so that launcher and JVM are born inside it;
#   4. snapshots the cgroup and the process at ready, after invocations 100, 2 000, 10 000 and the
#      last one (simulator --probe-after; the simulator waits for each snapshot, with the extension
#      idle in `next`), and once more after SHUTDOWN and exit (the peak).
#   A run is bounded by `timeout` (LAMBDA_SHAPED_RUN_TIMEOUT, default 900 s). The function timeout
#   is Lambda's default, 3 s. A stall is an invocation whose INVOKE → next (the handler returns at
#   once, so this is all the extension's) or added time exceeds 1 s, no `next` before an
#   invocation's deadline, an extension still alive at the SHUTDOWN deadline or an exit
#   code other than 0, an OOM kill, or a run that did not finish. Other violations of the
#   simulator are listed but are no stall: a telemetry POST that the throttled listener answered
#   after the simulator's 1 s limit delays telemetry, not the function.
#   The simulator's Init budget is raised to 120 s so that a slow start under a small quota is
#   measured to its end; the table says whether ready fit Lambda's 10 s Init.
#
# Output, under target/benchmark/lambda-shaped/: NAME.md (the table, also printed), NAME/summary.json
# (the figures), NAME/report.json (the simulator's report), NAME/snap-LABEL.json (the snapshots),
# NAME/simulator.log; bisect-NAME.md; with --smaps NAME-where-every-mib.md (deploy/smaps-breakdown.sh).
# NAME is --name, or m<MB>[-cpu<MB>][-node<MB>].
#
# Figures per run (MiB = 2^20 bytes):
#   peak charged       memory.max_usage_in_bytes (v2 memory.peak) over the measured run, the Node
#                      stand-in included when there is one
#   anon / cache       memory.stat total_rss / total_cache (v2 anon / file) at each snapshot
#   kernel             memory.kmem.usage_in_bytes (v2 kernel) at each snapshot
#   major faults       the JVM's majflt (/proc/PID/stat) and the cgroup's pgmajfault since start
#   RSS                the JVM's VmRSS, RssAnon, RssFile (/proc/PID/status)
#   CPU to ready       cgroup CPU time (cpuacct.usage; v2 cpu.stat usage_usec) from the start to
#                      ready: wrapper, launcher, register.bash and JVM; the stand-in's own CPU
#                      time (/proc/PID/stat) is subtracted
#   CPU per invocation cgroup CPU time over invocations 1-100 / 100, and over 2 001-N / (N - 2 000)
#   added              runtimeDone's batch answered -> extension's next (the simulator's addedMs),
#                      mean / p99 / max over the same invocations
#   ready              process start -> first next (the simulator's readyMs)
#   INVOKE -> next     the simulator's durationMs: the first invocation's, p99 and max
#   Node stand-in RSS  its VmRSS once filled, at ready, after the last invocation: under pressure
#                      the kernel reclaims its file pages (the node binary), its Buffers stay
# The machine may be shared: wall times (ready, added) are noisy there; memory figures and CPU
# times are what to compare.
#
# Environment: LAMBDA_SHAPED_RUN_TIMEOUT, LAMBDA_SHAPED_JCMD, BENCH_SIMULATOR (as benchmark.sh).
set -euo pipefail

readonly NAME=lambda-telemetry-otel
readonly SIMULATOR_MAIN=dev.lambdatelemetry.otel.simulator.process.SimulatorMain
readonly LAMBDA_MB_PER_VCPU=1769
readonly CFS_PERIOD_US=100000
readonly STALL_MS=1000
readonly READY_SLACK_PERCENT=10
readonly BISECT_STEP_MB=8
readonly LAMBDA_INIT_BUDGET_MS=10000
readonly SIM_INIT_TIMEOUT_MS=120000
readonly FUNCTION_TIMEOUT_MS=3000
readonly MIB=1048576

die() { echo "lambda-shaped: $*" >&2; exit 1; }
log() { echo "lambda-shaped: $*" >&2; }

self=$(cd "$(dirname "$0")" && pwd -P)/$(basename "$0")

# --- probe mode: run by the simulator (--probe "$self --probe RUN_DIR") --------------------------
# Reads the run's settings from RUN_DIR/env.sh and writes RUN_DIR/snap-LABEL.json.

kv() { # file key -> the value after "key " (memory.stat, cpu.stat, oom_control style), or 0
  awk -v k="$2" '$1 == k { print $2; found = 1; exit } END { if (!found) print 0 }' "$1" 2>/dev/null || echo 0
}
status_kb() { # pid key -> KiB from /proc/PID/status, or 0
  awk -v k="$2:" '$1 == k { print $2; found = 1; exit } END { if (!found) print 0 }' "/proc/$1/status" 2>/dev/null \
    || echo 0
}
stat_field() { # pid n -> field n of /proc/PID/stat counted after the ")" of comm (3 = state), or 0
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  s=${s##*) }
  awk -v n="$2" '{ print $(n - 2) }' <<<"$s"
}
read_file() { cat "$1" 2>/dev/null || echo 0; }

snapshot() { # label [pid] -> JSON on stdout
  local label=$1 pid=${2:-0} usage peak anon cache mapped kmem majcg failcnt oomkill cpu_ns thr_ns nr_thr
  if [ "$CG_VERSION" = 1 ]; then
    usage=$(read_file "$MEM_DIR/memory.usage_in_bytes")
    peak=$(read_file "$MEM_DIR/memory.max_usage_in_bytes")
    anon=$(kv "$MEM_DIR/memory.stat" total_rss)
    cache=$(kv "$MEM_DIR/memory.stat" total_cache)
    mapped=$(kv "$MEM_DIR/memory.stat" total_mapped_file)
    majcg=$(kv "$MEM_DIR/memory.stat" total_pgmajfault)
    kmem=$(read_file "$MEM_DIR/memory.kmem.usage_in_bytes")
    failcnt=$(read_file "$MEM_DIR/memory.failcnt")
    oomkill=$(kv "$MEM_DIR/memory.oom_control" oom_kill)
    cpu_ns=$(read_file "$CPUACCT_DIR/cpuacct.usage")
    thr_ns=$(kv "$CPU_DIR/cpu.stat" throttled_time)
    nr_thr=$(kv "$CPU_DIR/cpu.stat" nr_throttled)
  else
    usage=$(read_file "$CG/memory.current")
    peak=$(read_file "$CG/memory.peak")
    anon=$(kv "$CG/memory.stat" anon)
    cache=$(kv "$CG/memory.stat" file)
    mapped=$(kv "$CG/memory.stat" file_mapped)
    majcg=$(kv "$CG/memory.stat" pgmajfault)
    kmem=$(kv "$CG/memory.stat" kernel)
    failcnt=$(kv "$CG/memory.events" max)
    oomkill=$(kv "$CG/memory.events" oom_kill)
    cpu_ns=$(($(kv "$CG/cpu.stat" usage_usec) * 1000))
    thr_ns=$(($(kv "$CG/cpu.stat" throttled_usec) * 1000))
    nr_thr=$(kv "$CG/cpu.stat" nr_throttled)
  fi
  local node_pid=0 node_rss=0 node_ticks=0
  if [ -s "$RUN_DIR/node.pid" ]; then
    node_pid=$(cat "$RUN_DIR/node.pid")
    node_rss=$(status_kb "$node_pid" VmRSS)
    node_ticks=$(($(stat_field "$node_pid" 14) + $(stat_field "$node_pid" 15)))
  fi
  local rss=0 rss_anon=0 rss_file=0 rss_shmem=0 hwm=0 majflt=0 minflt=0 ticks=0 threads=0 inside=false
  if [ "$pid" != 0 ] && [ -d "/proc/$pid" ]; then
    # The proof that the measured process runs in the run's cgroup (its name is unique to the run).
    grep -q "/$(basename "${MEM_DIR:-${CG:-}}")\$" "/proc/$pid/cgroup" 2>/dev/null && inside=true
    rss=$(status_kb "$pid" VmRSS)
    rss_anon=$(status_kb "$pid" RssAnon)
    rss_file=$(status_kb "$pid" RssFile)
    rss_shmem=$(status_kb "$pid" RssShmem)
    hwm=$(status_kb "$pid" VmHWM)
    threads=$(awk '$1 == "Threads:" { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
    minflt=$(stat_field "$pid" 10)
    majflt=$(stat_field "$pid" 12)
    ticks=$(($(stat_field "$pid" 14) + $(stat_field "$pid" 15)))
  fi
  cat <<EOF
{"label": "$label", "atMs": $(($(date +%s%N) / 1000000)), "pid": $pid, "inCgroup": $inside,
 "cgroup": {"usage": ${usage:-0}, "peak": ${peak:-0}, "anon": ${anon:-0}, "cache": ${cache:-0},
  "mappedFile": ${mapped:-0}, "kernel": ${kmem:-0}, "pgmajfault": ${majcg:-0}, "failcnt": ${failcnt:-0},
  "oomKill": ${oomkill:-0}, "cpuNs": ${cpu_ns:-0}, "throttledNs": ${thr_ns:-0}, "nrThrottled": ${nr_thr:-0}},
 "process": {"vmRssKb": ${rss:-0}, "rssAnonKb": ${rss_anon:-0}, "rssFileKb": ${rss_file:-0},
  "rssShmemKb": ${rss_shmem:-0}, "vmHwmKb": ${hwm:-0}, "majflt": ${majflt:-0}, "minflt": ${minflt:-0},
  "cpuTicks": ${ticks:-0}, "threads": ${threads:-0}},
 "node": {"pid": $node_pid, "vmRssKb": ${node_rss:-0}, "cpuTicks": ${node_ticks:-0}}}
EOF
}

start_node() { # starts the stand-in inside the cgroup, waits until it holds NODE_MB MiB of RSS
  local js
  # Buffer.alloc(size, fill) writes every page, so the memory is resident and charged at once.
  js="const target = ${NODE_MB} * 1048576, keep = [];
    while (process.memoryUsage().rss < target) keep.push(Buffer.alloc(1048576, 1));
    require('fs').writeFileSync('$RUN_DIR/node.ready', String(process.memoryUsage().rss));
    setInterval(() => keep.length, 1 << 30);"
  # Its own session and no inherited output: the probe (and the simulator reading the probe's
  # output) must not wait for it; the main script kills it by its PID at the end.
  setsid sh -c 'while read -r f; do echo $$ > "$f"; done < "$1"; shift; exec "$@"' sh \
    "$RUN_DIR/procs" node -e "$js" </dev/null >"$RUN_DIR/node.log" 2>&1 &
  echo $! >"$RUN_DIR/node.pid"
  local deadline=$(($(date +%s) + 60))
  until [ -s "$RUN_DIR/node.ready" ]; do
    kill -0 "$(cat "$RUN_DIR/node.pid")" 2>/dev/null || { echo "node stand-in exited: $(cat "$RUN_DIR/node.log")"; return 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { echo "node stand-in not ready in 60 s"; return 1; }
    sleep 0.1
  done
}

if [ "${1:-}" = --probe ]; then
  RUN_DIR=$2
  label=$3
  pid=${4:-0}
  # shellcheck disable=SC1091
  . "$RUN_DIR/env.sh"
  case "$label" in
    before-start)
      timeout 120 sync || echo "sync did not finish in 120 s"
      echo 3 >/proc/sys/vm/drop_caches
      if [ "${NODE_MB:-0}" -gt 0 ]; then start_node; fi
      if [ "$CG_VERSION" = 1 ]; then
        echo 0 >"$MEM_DIR/memory.max_usage_in_bytes"
        echo 0 >"$MEM_DIR/memory.failcnt"
      fi
      snapshot "$label" >"$RUN_DIR/snap-$label.json"
      touch "$RUN_DIR/measured"
      ;;
    *)
      snapshot "$label" "$pid" >"$RUN_DIR/snap-$label.json"
      if [ "$label" = ready ] && [ "${SMAPS:-0}" = 1 ] && [ "$pid" != 0 ]; then
        cp "/proc/$pid/smaps" "$RUN_DIR/smaps-ready.txt" || true
        # The layer's files in the page cache (charged to the cgroup since the cache was dropped):
        # mapped ones also show in smaps, read ones (jars) only here.
        find "$LAYER_TREE" -type f -exec fincore --bytes --noheadings --raw --output RES,FILE {} + \
          >"$RUN_DIR/fincore-ready.txt" 2>/dev/null || true
        if [ -n "${JCMD:-}" ]; then
          "$JCMD" "$pid" System.map >"$RUN_DIR/system-map-ready.txt" 2>&1 || true
          "$JCMD" "$pid" VM.native_memory summary >"$RUN_DIR/nmt-ready.txt" 2>&1 || true
        fi
      fi
      ;;
  esac
  exit 0
fi

# --- main ----------------------------------------------------------------------------------------

root=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$root"
case "$(uname -m)" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac
memory=128
cpu_of=
node_mb=0
invocations=
bisect=0
floor=32
smaps=0
name=
extra_java_opts=
tables=()
while [ $# -gt 0 ]; do
  case "$1" in
    x86_64 | arm64) arch=$1 ;;
    --memory | --lambda-shaped) memory=${2:?$1 needs MB}; shift ;;
    --cpu-of) cpu_of=${2:?--cpu-of needs MB}; shift ;;
    --beside-node) node_mb=${2:?--beside-node needs MB}; shift ;;
    --invocations) invocations=${2:?--invocations needs a number}; shift ;;
    --bisect) bisect=1 ;;
    --floor) floor=${2:?--floor needs MB}; shift ;;
    --smaps) smaps=1 ;;
    --java-opts) extra_java_opts=${2?--java-opts needs options}; shift ;;
    --tables) shift; tables=("$@"); break ;;
    --name) name=${2:?--name needs a name}; shift ;;
    *) die "usage: $0 [x86_64|arm64] [--memory MB] [--cpu-of MB] [--beside-node MB] [--invocations N]" \
      "[--bisect [--floor MB]] [--smaps] [--name NAME]" ;;
  esac
  shift
done
[ -n "$invocations" ] || { if [ "$bisect" = 1 ]; then invocations=2000; else invocations=3000; fi; }
[ -n "$cpu_of" ] || cpu_of=$memory
for n in "$memory" "$cpu_of" "$invocations" "$floor"; do
  case "$n" in '' | *[!0-9]* | 0) die "sizes and counts are positive numbers" ;; esac
done
case "$node_mb" in '' | *[!0-9]*) die "--beside-node takes MiB" ;; esac
[ "$(id -u)" = 0 ] || die "needs root: cgroups and /proc/sys/vm/drop_caches"
command -v jq >/dev/null || die "jq is required"
[ "$node_mb" = 0 ] || command -v node >/dev/null || die "--beside-node needs node on the PATH"

tree=target/layer/$arch
launcher=$root/$tree/extensions/$NAME
[ -x "$launcher" ] || die "no layer in $tree: run deploy/build-layer.sh $arch first"

# --- cgroups -----------------------------------------------------------------------------------
own_cgroup() { # v1 controller -> this process's path in its hierarchy
  awk -F: -v c="$1" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) { print $3; exit } }' \
    /proc/self/cgroup
}
if [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ] && [ -f /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
  cg_version=1
elif [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  cg_version=2
else
  die "no cgroup v1 memory+cpu hierarchies under /sys/fs/cgroup/{memory,cpu} and no cgroup v2 at /sys/fs/cgroup"
fi

# Every cgroup directory this script made, removed by cleanup; every PID it must end.
cg_dirs=()
cleanup_run_dir=
cleanup() {
  local d pid
  if [ -n "$cleanup_run_dir" ] && [ -s "$cleanup_run_dir/node.pid" ]; then
    kill -9 "$(cat "$cleanup_run_dir/node.pid")" 2>/dev/null || true
  fi
  # Whatever is still in our cgroups was started by this run (the wrapper's exec'd JVM, the stand-in).
  for d in "${cg_dirs[@]}"; do
    [ -f "$d/cgroup.procs" ] || continue
    while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done <"$d/cgroup.procs"
  done
  for d in "${cg_dirs[@]}"; do
    [ -d "$d" ] || continue
    for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$d" 2>/dev/null && break; sleep 0.2; done
    [ ! -d "$d" ] || log "could not remove cgroup $d"
  done
  cg_dirs=()
  cleanup_run_dir=
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cg_create() { # run_dir mem_mb cpu_mb -> run_dir/env.sh, run_dir/procs, $quota (not in a subshell:
  local dir=$1 mem=$2 cpu=$3 id    # it records the cgroups it made in cg_dirs for cleanup)
  id=lambda-shaped-$$-$(basename "$dir")
  quota=$((CFS_PERIOD_US * cpu / LAMBDA_MB_PER_VCPU))
  [ "$quota" -ge 1000 ] || quota=1000
  : >"$dir/procs"
  if [ "$cg_version" = 1 ]; then
    local mem_dir cpu_dir acct_dir
    mem_dir=/sys/fs/cgroup/memory$(own_cgroup memory)/$id
    cpu_dir=/sys/fs/cgroup/cpu$(own_cgroup cpu)/$id
    acct_dir=/sys/fs/cgroup/cpuacct$(own_cgroup cpuacct)/$id
    mem_dir=${mem_dir//\/\//\/}; cpu_dir=${cpu_dir//\/\//\/}; acct_dir=${acct_dir//\/\//\/}
    for d in "$mem_dir" "$cpu_dir" "$acct_dir"; do
      [ -d "$d" ] || { mkdir "$d"; cg_dirs+=("$d"); }
      grep -qx "$d/cgroup.procs" "$dir/procs" || echo "$d/cgroup.procs" >>"$dir/procs"
    done
    echo $((mem * MIB)) >"$mem_dir/memory.limit_in_bytes"
    echo "$CFS_PERIOD_US" >"$cpu_dir/cpu.cfs_period_us"
    echo "$quota" >"$cpu_dir/cpu.cfs_quota_us"
    cat >"$dir/env.sh" <<EOF
CG_VERSION=1
MEM_DIR=$mem_dir
CPU_DIR=$cpu_dir
CPUACCT_DIR=$acct_dir
EOF
  else
    local parent cg
    parent=/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
    parent=${parent%/}
    # A v2 cgroup with controllers for its children may hold no process itself: when ours does,
    # the cgroup goes under the root instead.
    if ! { grep -qw memory "$parent/cgroup.subtree_control" && grep -qw cpu "$parent/cgroup.subtree_control"; } \
        && ! echo "+memory +cpu" >"$parent/cgroup.subtree_control" 2>/dev/null; then
      parent=/sys/fs/cgroup
    fi
    cg=$parent/$id
    mkdir "$cg"
    cg_dirs+=("$cg")
    echo "$cg/cgroup.procs" >"$dir/procs"
    echo $((mem * MIB)) >"$cg/memory.max"
    echo 0 >"$cg/memory.swap.max" 2>/dev/null || true
    echo "$quota $CFS_PERIOD_US" >"$cg/cpu.max"
    cat >"$dir/env.sh" <<EOF
CG_VERSION=2
CG=$cg
EOF
  fi
  cat >>"$dir/env.sh" <<EOF
RUN_DIR=$dir
NODE_MB=$node_mb
SMAPS=$smaps
JCMD=${jcmd:-}
LAYER_TREE=$root/$tree
EOF
}

# --- the simulator, with a PATH without java for the extension (as benchmark.sh) --------------
java_bin=$(command -v java) || die "the simulator needs a java on the PATH (any 17+)"
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
simulator=${BENCH_SIMULATOR:-}
if [ -z "$simulator" ]; then
  [ -f target/test-classes/dev/lambdatelemetry/otel/simulator/measure/ProbeCommand.class ] \
    && [ -s target/test-classpath.txt ] || die \
    "the simulator (with --probe) is not built: run ./mvnw test-compile dependency:build-classpath" \
    "-Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt (build-layer.sh does it)"
  simulator="$java_bin -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) $SIMULATOR_MAIN"
fi
jcmd=
if [ "$smaps" = 1 ]; then
  jcmd=${LAMBDA_SHAPED_JCMD:-}
  if [ -z "$jcmd" ]; then
    for j in /usr/lib/jvm/temurin-25*/bin/jcmd; do [ -x "$j" ] && jcmd=$j && break; done
  fi
  [ -n "$jcmd" ] || log "no jcmd of a JDK 25: --smaps keeps smaps only (set LAMBDA_SHAPED_JCMD)"
fi

out=target/benchmark/lambda-shaped
mkdir -p "$out"

# run_once NAME MEM_MB CPU_MB N -> $dir/summary.json, with $dir the run's directory (global)
quota=
dir=
run_once() {
  local run=$1 mem=$2 cpu=$3 n=$4 after rc=0 started
  dir=$root/$out/$run
  rm -rf "$dir"
  mkdir -p "$dir"
  cleanup_run_dir=$dir
  cg_create "$dir" "$mem" "$cpu"
  cat >"$dir/extension" <<EOF
#!/bin/sh
# Lambda-shaped run: the measured start joins the run's cgroups, then becomes the launcher.
if [ -f '$dir/measured' ]; then
  while read -r f; do echo \$\$ > "\$f" || exit 1; done < '$dir/procs'
fi
exec '$launcher' "\$@"
EOF
  chmod 755 "$dir/extension"
  after=100
  for k in 2000 10000; do [ "$k" -lt "$n" ] && after=$after,$k; done
  [ "$n" -gt 100 ] && after=$after,$n
  local java_opts=() opts=$extra_java_opts
  [ "$smaps" = 0 ] || opts="$opts -XX:NativeMemoryTracking=summary"
  [ -z "${opts// /}" ] || java_opts=(--env "LAMBDA_TELEMETRY_JAVA_OPTS=${opts# }")
  log "run $run: memory ${mem} MB, CPU quota ${quota} us / ${CFS_PERIOD_US} us (of ${cpu} MB), Node stand-in" \
    "${node_mb} MiB, $n invocations"
  started=$(date +%s)
  # shellcheck disable=SC2086
  timeout "${LAMBDA_SHAPED_RUN_TIMEOUT:-900}" env PATH="$nojava_path" $simulator --extension-cmd "$dir/extension" \
    --mode default --collector --free-listener-port --invocations "$n" --benchmark --quiet \
    --init-timeout-ms "$SIM_INIT_TIMEOUT_MS" --function-timeout-ms "$FUNCTION_TIMEOUT_MS" --env "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=$mem" "${java_opts[@]}" \
    --probe "$self --probe $dir" --probe-after "$after" --report "$dir/report.json" >"$dir/simulator.log" 2>&1 \
    || rc=$?
  # shellcheck disable=SC1091
  (. "$dir/env.sh"; RUN_DIR=$dir; snapshot end) >"$dir/snap-end.json"
  cleanup
  [ -s "$dir/report.json" ] || echo '{}' >"$dir/report.json"
  summarise "$dir" "$run" "$mem" "$cpu" "$quota" "$n" "$rc" "$(($(date +%s) - started))" >"$dir/summary.json"
}

# summarise DIR RUN MEM CPU QUOTA N RC SECONDS -> summary JSON
summarise() {
  local dir=$1 n=$6 snaps f
  snaps='{}'
  for f in "$dir"/snap-*.json; do
    [ -f "$f" ] || continue
    snaps=$(jq --slurpfile s "$f" '. + {($s[0].label): $s[0]}' <<<"$snaps")
  done
  jq -n --argjson snaps "$snaps" --slurpfile report "$dir/report.json" --arg run "$2" --argjson mem "$3" \
    --argjson cpu "$4" --argjson quota "$5" --argjson n "$n" --argjson rc "$7" --argjson seconds "$8" \
    --argjson node "$node_mb" --argjson nodeStart "$(jq -n "$(cat "$dir/node.ready" 2>/dev/null || echo 0) / 1048576 | round")" \
    --argjson stallMs "$STALL_MS" --argjson initBudget "$LAMBDA_INIT_BUDGET_MS" '
    def mib: . / 1048576 | . * 10 | round / 10;
    def r1: . * 100 | round / 100;
    def snap(l): $snaps[l] // null;
    # CPU ms of the cgroup between two snapshots, minus the stand-in'"'"'s own
    def cpu(a; b): if (snap(a) == null or snap(b) == null) then null else
      ((snap(b).cgroup.cpuNs - snap(a).cgroup.cpuNs) / 1e6
       - (snap(b).node.cpuTicks - snap(a).node.cpuTicks) * 10) end;
    def added(from; to): ($report[0].invocations // [])[from:to] | map(.addedMs) | sort
      | if length == 0 then null else {mean: (add / length | r1), p99: (.[((length * 0.99) | ceil) - 1] | r1),
          max: (.[-1] | r1)} end;
    def mem(l): snap(l) as $s | if $s == null then null else
      {usageMiB: ($s.cgroup.usage | mib), anonMiB: ($s.cgroup.anon | mib), cacheMiB: ($s.cgroup.cache | mib),
       mappedFileMiB: ($s.cgroup.mappedFile | mib), kernelMiB: ($s.cgroup.kernel | mib),
       rssMiB: ($s.process.vmRssKb / 1024 | . * 10 | round / 10),
       rssAnonMiB: ($s.process.rssAnonKb / 1024 | . * 10 | round / 10),
       rssFileMiB: ($s.process.rssFileKb / 1024 | . * 10 | round / 10),
       majflt: $s.process.majflt, cgroupMajflt: ($s.cgroup.pgmajfault - (snap("before-start").cgroup.pgmajfault // 0)),
       threads: $s.process.threads, nodeRssMiB: ($s.node.vmRssKb / 1024 | . * 10 | round / 10)} end;
    ($report[0]) as $r
    | ([$r.invocations // [] | .[] | select(.addedMs > $stallMs or .durationMs > $stallMs)] | length) as $slow
    | (snap("end").cgroup.oomKill // 0) as $oom
    | {run: $run, memoryMb: $mem, cpuOfMb: $cpu, cpuQuotaUs: $quota, nodeMiB: $node, invocations: $n,
       invocationsRun: ($r.invocationCount // 0), exitCode: ($r.exitCode // null), simulatorExit: $rc,
       seconds: $seconds, nodeStartRssMiB: $nodeStart, inCgroup: (snap("ready").inCgroup // false), violations: ($r.violations // ["no report: the simulator did not finish"]),
       slowInvocations: $slow, oomKills: $oom, failcnt: (snap("end").cgroup.failcnt // null),
       throttledMs: (if snap("end") then (snap("end").cgroup.throttledNs / 1e6 | round) else null end),
       # A telemetry POST answered late (the simulator'"'"'s 1 s listener limit) is a violation of
       # the simulator but blocks no invocation: it is shown, it is not a stall.
       stall: (($rc != 0 and $rc != 1) or $slow > 0 or $oom > 0 or ($r.exitCode // 1) != 0
               or ($r.invocationCount // 0) < $n
               or any(($r.violations // ["no report"])[]; test("did not call next|still alive|init budget|no report"))),
       readyMs: ($r.readyMs // null | if . then r1 else . end), registerMs: ($r.registerMs // null),
       readyWithinLambdaInit: (($r.readyMs // 1e9) <= $initBudget),
       cpuToReadyMs: (cpu("before-start"; "ready") | if . then r1 else . end),
       peakMiB: (snap("end").cgroup.peak // 0 | mib),
       invokeToNext: ($r.invocations // [] | map(.durationMs) | if length == 0 then null else
         {first: (.[0] | r1), max: (max | r1), p99: (sort | .[((length * 0.99) | ceil) - 1] | r1)} end),
       first100: {cpuMsPerInvocation: (cpu("ready"; "after-100") | if . then (. / 100 | r1) else . end),
                  added: added(0; 100)},
       after2000: (if $n > 2000 then {cpuMsPerInvocation: (cpu("after-2000"; "after-\($n)")
                    | if . then (. / ($n - 2000) | r1) else . end), added: added(2000; $n)} else null end),
       memory: {ready: mem("ready"), after100: mem("after-100"), after2000: mem("after-2000"),
                after10000: mem("after-10000"), last: mem("after-\($n)"), end: mem("end")}}'
}

summary_rows() { # summary files... -> markdown table, one column per run
  jq -rs '
    def v: if . == null then "n/a" else tostring end;
    def row(name; f): "| \(name) | " + (map(f | v) | join(" | ")) + " |";
    (["| figure | " + (map("\(.run): \(.memoryMb) MB, CPU of \(.cpuOfMb) MB" + (if .nodeMiB > 0 then
       " + Node \(.nodeMiB) MiB" else "" end)) | join(" | ")) + " |",
      "| --- |" + (map(" ---: |") | join(""))] | join("\n")),
    row("peak charged, whole run (MiB)"; .peakMiB),
    row("charged at ready: anon / page cache / kernel (MiB)";
      .memory.ready | if . then "\(.anonMiB) / \(.cacheMiB) / \(.kernelMiB)" else null end),
    row("charged after 2 000: anon / page cache / kernel (MiB)";
      .memory.after2000 | if . then "\(.anonMiB) / \(.cacheMiB) / \(.kernelMiB)" else null end),
    row("charged after the last invocation: anon / page cache (MiB)";
      .memory.last | if . then "\(.anonMiB) / \(.cacheMiB)" else null end),
    row("Node stand-in RSS: once filled / at ready / after the last (MiB)"; if .nodeMiB > 0 then
      "\(.nodeStartRssMiB) / \(.memory.ready.nodeRssMiB // "n/a") / \(.memory.last.nodeRssMiB // "n/a")" else null end),
    row("JVM RSS / RssAnon / RssFile at ready (MiB)";
      .memory.ready | if . then "\(.rssMiB) / \(.rssAnonMiB) / \(.rssFileMiB)" else null end),
    row("JVM RSS / RssAnon / RssFile after 2 000 (MiB)";
      .memory.after2000 | if . then "\(.rssMiB) / \(.rssAnonMiB) / \(.rssFileMiB)" else null end),
    row("JVM RSS / RssAnon / RssFile after 10 000 (MiB)";
      .memory.after10000 | if . then "\(.rssMiB) / \(.rssAnonMiB) / \(.rssFileMiB)" else null end),
    row("major faults to ready: JVM / cgroup"; .memory.ready | if . then "\(.majflt) / \(.cgroupMajflt)" else null end),
    row("major faults, whole run: JVM (last) / cgroup";
      if .memory.last then "\(.memory.last.majflt) / \(.memory.end.cgroupMajflt)" else null end),
    row("CPU to ready (ms)"; .cpuToReadyMs),
    row("ready, process start → first `next` (ms)"; .readyMs),
    row("ready within Lambda'"'"'s 10 s Init"; if .readyWithinLambdaInit then "yes" else "no" end),
    row("CPU per invocation, first 100 (ms)"; .first100.cpuMsPerInvocation),
    row("CPU per invocation, after 2 000 (ms)"; .after2000.cpuMsPerInvocation),
    row("added, first 100: mean / p99 / max (ms)";
      .first100.added | if . then "\(.mean) / \(.p99) / \(.max)" else null end),
    row("added, after 2 000: mean / p99 / max (ms)";
      .after2000.added | if . then "\(.mean) / \(.p99) / \(.max)" else null end),
    row("INVOKE → next, first invocation / p99 / max (ms)";
      .invokeToNext | if . then "\(.first) / \(.p99) / \(.max)" else null end),
    row("CPU throttled, whole run (ms)"; .throttledMs),
    row("memory.failcnt (limit reached) / OOM kills"; "\(.failcnt) / \(.oomKills)"),
    row("JVM inside the run'"'"'s cgroup (checked at ready)"; if .inCgroup then "yes" else "NO" end),
    row("invocations run / asked"; "\(.invocationsRun) / \(.invocations)"),
    row("stall (INVOKE → next or added > 1 s, missed deadline, exit ≠ 0, OOM kill, unfinished)"; if .stall then "YES" else "no" end),
    row("violations"; .violations | if length == 0 then "none" else join("; ") end)' "$@"
}

header() {
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "- machine: $(nproc) vCPU, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null)," \
    "$(uname -sr), cgroup v$cg_version; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- layer: $tree; bundled runtime: $("$tree/$NAME/jre/bin/java" -version 2>&1 | sed -n 2p)"
}

if [ "${#tables[@]}" -gt 0 ]; then
  files=()
  for d in "${tables[@]}"; do
    d=$(cd "$d" && pwd -P)
    [ -f "$d/summary.json" ] || die "$d/summary.json is missing"
    read -r r m c q n rc sec nm < <(jq -r '[.run, .memoryMb, .cpuOfMb, .cpuQuotaUs, .invocations,
      .simulatorExit, .seconds, .nodeMiB] | map(tostring) | join(" ")' "$d/summary.json")
    node_mb=$nm summarise "$d" "$r" "$m" "$c" "$q" "$n" "$rc" "$sec" >"$d/summary.json.new"
    mv "$d/summary.json.new" "$d/summary.json"
    files+=("$d/summary.json")
  done
  summary_rows "${files[@]}"
  exit 0
fi

label=m$memory
[ "$cpu_of" = "$memory" ] || label=$label-cpu$cpu_of
[ "$node_mb" = 0 ] || label=$label-node$node_mb
label=${name:-$label}

if [ "$bisect" = 0 ]; then
  run_once "$label" "$memory" "$cpu_of" "$invocations"
  {
    echo "# Lambda-shaped run: $label"
    echo
    header
    echo "- command: deploy/lambda-shaped.sh $arch --memory $memory --cpu-of $cpu_of --beside-node $node_mb" \
      "--invocations $invocations$([ "$smaps" = 1 ] && echo ' --smaps')${extra_java_opts:+ --java-opts \"$extra_java_opts\"}"
    echo
    summary_rows "$dir/summary.json"
  } | tee "$out/$label.md"
  if [ "$smaps" = 1 ] && [ -f "$dir/smaps-ready.txt" ]; then
    "$root/deploy/smaps-breakdown.sh" "$dir" | tee "$out/$label-where-every-mib.md"
  fi
  jq -e '.stall | not' "$dir/summary.json" >/dev/null || exit 1
  exit 0
fi

# --- bisect --------------------------------------------------------------------------------------
step=$BISECT_STEP_MB
top=$memory
{
  echo "# Lambda-shaped bisect: smallest memory size for $invocations invocations"
  echo
  header
  echo "- command: deploy/lambda-shaped.sh $arch --bisect --memory $top --floor $floor --cpu-of $cpu_of" \
    "--beside-node $node_mb --invocations $invocations"
  echo "- criterion: no stall, no OOM kill, and ready ≤ reference ready + ${READY_SLACK_PERCENT} % or the" \
    "limit never reached (memory.failcnt 0); a size that fails is run once more (wall times are noisy on" \
    "a shared machine); CPU quota of $cpu_of MB in every step"
  echo
} >"$out/bisect-$label.md"
run_once "$label-ref" "$top" "$cpu_of" "$invocations"
ref_dir=$dir
summaries=("$ref_dir/summary.json")
jq -e '.stall | not' "$ref_dir/summary.json" >/dev/null || die "the reference run at $top MB stalled: no bisect"
ref_ready=$(jq '.readyMs' "$ref_dir/summary.json")
limit=$(awk -v r="$ref_ready" -v p="$READY_SLACK_PERCENT" 'BEGIN { printf "%.1f", r * (1 + p / 100) }')
log "reference ready ${ref_ready} ms: a size passes with ready ≤ $limit ms"
lo=$(((floor / step) * step - step)) # assumed to fail
hi=$top                              # passes
[ "$lo" -ge 0 ] || lo=0
while [ $((hi - lo)) -gt "$step" ]; do
  mid=$((((lo + hi) / 2 + step / 2) / step * step))
  [ "$mid" -gt "$lo" ] && [ "$mid" -lt "$hi" ] || mid=$((lo + step))
  passed=0
  for attempt in 1 2; do
    run_once "$label-$mid$([ "$attempt" = 1 ] || echo "-again")" "$mid" "$cpu_of" "$invocations"
    summaries+=("$dir/summary.json")
    # A limit never reached (failcnt 0) cannot have slowed the start: a slower ready is then noise.
    if jq -e --argjson limit "$limit" '(.stall | not) and .readyMs != null
        and (.readyMs <= $limit or .failcnt == 0)' "$dir/summary.json" >/dev/null; then
      passed=1
      break
    fi
    # A stall or an OOM kill is not noise: no second run.
    jq -e '.stall' "$dir/summary.json" >/dev/null && break
  done
  if [ "$passed" = 1 ]; then
    log "$mid MB passes"
    hi=$mid
  else
    log "$mid MB fails"
    lo=$mid
  fi
done
{
  echo "**smallest memory size that passes: $hi MB** (reference ready $ref_ready ms, limit $limit ms)"
  echo
  summary_rows "${summaries[@]}"
} >>"$out/bisect-$label.md"
cat "$out/bisect-$label.md"
