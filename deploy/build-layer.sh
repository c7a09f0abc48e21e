#!/usr/bin/env bash
# Builds the Lambda layer for one architecture:
#   target/layer/lambda-telemetry-otel-<arch>.zip   what you publish
#   target/layer/<arch>/                             the same tree, unzipped (what /opt looks like)
#
# usage: deploy/build-layer.sh ARCH [--no-build] [--no-aot]
#   ARCH        x86_64 or arm64 (required; the runtime inside the layer is per architecture)
#   --no-build  use the application already in target/layer-app (from an earlier run) instead of
#               running the Maven package
#   --no-aot    ship without the AOT cache (the launcher then starts the JVM without it, slower)
#
# Environment:
#   LAYER_JDK_HOME              the Temurin 25 JDK whose jlink builds the runtime (default: the first
#                               /usr/lib/jvm/temurin-25*). For the host architecture its own runtime
#                               image (or its jmods/, when present) is linked.
#   LAYER_JDK_HOME_ARM64        for an arm64 layer built on an x86_64 machine: an unpacked arm64
#   LAYER_JDK_HOME_X86_64       Temurin 25 JDK (or its separate "jmods" download) with a jmods/
#                               directory; jlink reads the foreign modules from there.
#   LAYER_TRAINER               the command that plays the Lambda platform for the AOT training run
#                               (default: the built-in simulator from target/test-classes). It is
#                               called as: $LAYER_TRAINER --extension-cmd CMD --mode default
#                               --invocations N --quiet
#   LAYER_TRAINING_INVOCATIONS  invocations in the training run (default 300: enough to load and link
#                               every class of the invoke path; C1-only code gains nothing from more)
#   LAYER_TRAINING_ARGS         more trainer arguments. The built-in simulator also gets
#                               --shutdown-budget-ms 10000 (the JVM writes the AOT recording at exit,
#                               after SHUTDOWN: Lambda's 2 s deadline could cut it on a busy machine),
#                               --collector (a healthy OTLP collector on loopback, so the export
#                               path's success side is trained too) and --free-listener-port
#   LAYER_MVN_ARGS              extra Maven arguments, e.g. -o
#
# Why a layer build uses test classes: the AOT cache is trained by running the layer's own launcher
# against a simulated Lambda platform, and that platform is the project's built-in simulator
# (dev.lambdatelemetry.otel.simulator, SimulatorMain), which lives in test scope because the tests,
# the benchmark and the README's local run share it. It runs in its own JVM from target/test-classes
# (the test class path below) and only drives the extension over loopback HTTP; the extension's JVM
# runs `-jar app/quarkus-run.jar` from the layer tree (the launcher's exec: -jar ignores CLASSPATH),
# so it can neither load nor record a test class. The layer therefore holds no test class: the tree
# is made from target/layer-app (a -DskipTests package of src/main), and check_no_test_classes below
# fails the build if any class of target/test-classes, or anything of the simulator's package, is in
# a jar or directory of the tree or named in the AOT cache.
#
# Why the order of the steps matters: a JDK AOT cache only maps on the exact tree it was trained on
# (jar paths relative to the cache and their modification times), so the tree is laid out and its
# timestamps fixed first, the training runs on that tree through the real launcher, and the zip is
# made from it last, with the timestamps preserved.
set -euo pipefail

readonly NAME=lambda-telemetry-otel
readonly MODULES=java.base,java.logging,java.naming,jdk.unsupported,jdk.zipfs
readonly SIMULATOR_MAIN=dev.lambdatelemetry.otel.simulator.process.SimulatorMain
# Test scope only: the AOT training workload. Never in the layer (check_no_test_classes).
readonly TEST_ONLY_PREFIX=dev/lambdatelemetry/otel/simulator/

die() { echo "build-layer: $*" >&2; exit 1; }
log() { echo "build-layer: $*" >&2; }

# Fails the build when a test class ended up in the layer tree $1: an entry of one of its jars or a
# class file under TEST_ONLY_PREFIX, a jar entry that target/test-classes also has (when built), or a
# class of TEST_ONLY_PREFIX named in the AOT cache.
check_no_test_classes() {
  local tree=$1 entries test_classes found
  entries=$(mktemp)
  test_classes=$(mktemp)
  find "$tree" -name '*.jar' -print0 | xargs -0 -r -n 1 unzip -Z1 > "$entries" \
    || die "could not list the entries of the layer's jars"
  if [ -d target/test-classes ]; then
    (cd target/test-classes && find . -name '*.class' -printf '%P\n') > "$test_classes"
  fi
  found=$( { find "$tree" -name '*.class' -printf '%P\n' | grep -E "(^|/)$TEST_ONLY_PREFIX"
             grep -E "^$TEST_ONLY_PREFIX" "$entries"
             [ ! -s "$test_classes" ] || grep -xF -f "$test_classes" "$entries"; } | sort -u | head -5 || true)
  rm -f "$entries" "$test_classes"
  [ -z "$found" ] || die "test classes in the layer, e.g.: $(echo "$found" | tr '\n' ' ')"
  if [ -f "$tree/$NAME/app.aot" ] && grep -aqF "$TEST_ONLY_PREFIX" "$tree/$NAME/app.aot"; then
    die "the AOT cache names classes of $TEST_ONLY_PREFIX: the training run recorded the simulator"
  fi
  log "no test class in the layer (its jars, class files and AOT cache checked)"
}

arch=${1:-}
case "$arch" in
  x86_64 | arm64) shift ;;
  *) die "usage: $0 x86_64|arm64 [--no-build] [--no-aot] (got '${arch}')" ;;
esac
build=1
aot=1
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    --no-aot) aot=0 ;;
    *) die "unknown option '$a'" ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$root"
case "$(uname -m)" in
  x86_64 | amd64) host_arch=x86_64 ;;
  aarch64 | arm64) host_arch=arm64 ;;
  *) host_arch=$(uname -m) ;;
esac

# --- the JDK -----------------------------------------------------------------------------------
is_jdk25() { [ -x "$1/bin/jlink" ] && grep -q '^JAVA_VERSION="25' "$1/release" 2>/dev/null; }
jdk=${LAYER_JDK_HOME:-}
if [ -z "$jdk" ]; then
  for d in /usr/lib/jvm/temurin-25*; do
    if is_jdk25 "$d"; then jdk=$d; break; fi
  done
fi
[ -n "$jdk" ] || die "Temurin 25 not found: set LAYER_JDK_HOME to a Temurin 25 JDK (looked in /usr/lib/jvm/temurin-25*)"
is_jdk25 "$jdk" || die "Temurin 25 not found: $jdk has no bin/jlink or is not JDK 25 (see its release file)"

module_path=()
if [ "$arch" = "$host_arch" ]; then
  # Temurin 25 can link from its own run-time image (JEP 493); jmods/, when shipped, is preferred.
  [ -d "$jdk/jmods" ] && module_path=(--module-path "$jdk/jmods")
else
  var=LAYER_JDK_HOME_$(echo "$arch" | tr '[:lower:]' '[:upper:]')
  target_jdk=${!var:-}
  [ -n "$target_jdk" ] && [ -f "$target_jdk/jmods/java.base.jmod" ] || die \
    "no $arch JDK: set $var to an unpacked $arch Temurin 25 JDK (or its jmods download) that has" \
    "jmods/java.base.jmod; jlink on this $host_arch machine builds the $arch runtime from those jmods"
  module_path=(--module-path "$target_jdk/jmods")
  if [ "$aot" = 1 ]; then
    log "a $arch JVM cannot run here: the layer ships without an AOT cache (train it on $arch)"
    aot=0
  fi
fi

# --- the application ---------------------------------------------------------------------------
# aot-jar puts every jar on the JVM's class path (fast-jar loads them through Quarkus' own class
# loader, whose classes a JDK AOT cache cannot hold). The property is passed here and not set in
# application.properties, so that tests and the default build keep using fast-jar.
app=target/layer-app
if [ "$build" = 1 ]; then
  log "packaging the application (aot-jar) into $app"
  # shellcheck disable=SC2086
  ./mvnw -q -B ${LAYER_MVN_ARGS:-} package -DskipTests \
    -Dquarkus.package.jar.type=aot-jar -Dquarkus.package.output-directory=layer-app
fi
[ -f "$app/quarkus-run.jar" ] || die "$app/quarkus-run.jar is missing: run without --no-build"

# --- the tree ----------------------------------------------------------------------------------
out=target/layer/$arch
zipfile=target/layer/$NAME-$arch.zip
rm -rf "$out" "$zipfile"
mkdir -p "$out/extensions" "$out/$NAME"
cp deploy/extensions/$NAME "$out/extensions/$NAME"
chmod 755 "$out/extensions/$NAME"
cp -R "$app" "$out/$NAME/app"
cp deploy/layer/register.bash "$out/$NAME/register.bash"
chmod 755 "$out/$NAME/register.bash"
rm -f "$out/$NAME/app/quarkus-app-dependencies.txt"

log "linking the $arch runtime with $jdk/bin/jlink ($MODULES)"
"$jdk/bin/jlink" "${module_path[@]}" --add-modules "$MODULES" \
  --strip-debug --no-header-files --no-man-pages --compress zip-6 \
  --output "$out/$NAME/jre"
# Not needed by the extension: key tools and the CDS archive variant for heaps over 32 GiB.
rm -f "$out/$NAME/jre/bin/keytool" "$out/$NAME/jre/lib/server/classes_nocoops.jsa"
if [ "$arch" = "$host_arch" ] && command -v strip >/dev/null; then
  # Temurin ships libjvm.so with its symbol table: 5 MB that only an hs_err file would read.
  strip --strip-unneeded "$out/$NAME/jre/lib/server/libjvm.so"
fi
"$out/$NAME/jre/bin/java" -version >/dev/null 2>&1 || [ "$arch" != "$host_arch" ] \
  || die "the linked runtime does not start"

# One fixed, even-second timestamp on every file: zip's DOS time field has a 2-second resolution
# and no time zone, so an odd second or a local time zone would change the jars' modification
# times on extraction and make the AOT cache stale. We zip with TZ=UTC (Lambda runs in UTC) and
# also keep zip's extended UTC timestamp field.
epoch=$(git log -1 --format=%ct 2>/dev/null || date +%s)
epoch=$((epoch - epoch % 2))
fix_times() { find "$out" -exec touch -h -d "@$epoch" {} +; }
fix_times

# --- the AOT cache: train on this tree, through the launcher, against a simulated Lambda -------
if [ "$aot" = 1 ]; then
  trainer=${LAYER_TRAINER:-}
  trainer_args=
  if [ -z "$trainer" ]; then
    [ -f target/test-classes/dev/lambdatelemetry/otel/simulator/process/SimulatorMain.class ] || die \
      "the simulator ($SIMULATOR_MAIN) is not in target/test-classes: build without --no-build," \
      "set LAYER_TRAINER, or use --no-aot"
    if [ ! -s target/test-classpath.txt ] || [ pom.xml -nt target/test-classpath.txt ]; then
      # shellcheck disable=SC2086
      ./mvnw -q -B ${LAYER_MVN_ARGS:-} dependency:build-classpath -Dmdep.includeScope=test \
        -Dmdep.outputFile=target/test-classpath.txt
    fi
    trainer="java -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) $SIMULATOR_MAIN"
    trainer_args="--shutdown-budget-ms 10000 --collector --free-listener-port"
  fi
  home=$root/$out/$NAME
  # The JVM writes the recording at exit, after SHUTDOWN; a trainer that kills the process at the
  # SHUTDOWN deadline can cut it on a busy machine (the built-in one gives 10 s): then try again.
  for attempt in 1 2 3; do
    log "training the AOT cache: ${LAYER_TRAINING_INVOCATIONS:-300} simulated invocations (attempt $attempt)"
    rm -f "$home/app.aotconf" "$home/app.aot"
    # shellcheck disable=SC2086
    $trainer --extension-cmd "env LAMBDA_TELEMETRY_AOT=record $root/$out/extensions/$NAME" \
      --mode default --invocations "${LAYER_TRAINING_INVOCATIONS:-300}" --quiet $trainer_args ${LAYER_TRAINING_ARGS:-} >&2 \
      || log "the trainer reported problems (above); the recording is used if it is complete"
    if [ -s "$home/app.aotconf" ] \
      && LAMBDA_TELEMETRY_AOT=create "$out/extensions/$NAME" >/dev/null 2>"$root/target/layer/aot-create.log"; then
      break
    fi
    [ "$attempt" = 3 ] && die "no usable AOT recording after 3 training runs (see target/layer/aot-create.log)"
  done
  rm -f "$home/app.aotconf"
  fix_times
fi

# --- no test class in the layer -----------------------------------------------------------------
check_no_test_classes "$out"

# --- the zip ------------------------------------------------------------------------------------
(cd "$out" && TZ=UTC zip -q -r -9 "$root/$zipfile" extensions "$NAME")

# Proof on a fresh extraction: it starts from another directory, and the cache still maps
# (-XX:AOTMode=on makes an unusable cache fatal; without a Runtime API, Main stops at register).
check=$(mktemp -d)
trap 'rm -rf "$check"' EXIT
(cd "$check" && TZ=UTC unzip -q "$root/$zipfile")
if [ "$aot" = 1 ]; then
  err=$(env -i PATH=/usr/bin:/bin LAMBDA_TELEMETRY_JAVA_OPTS="-XX:AOTMode=on -Xlog:aot=error:stderr" \
    "$check/extensions/$NAME" 2>&1 >/dev/null || true)
  case "$err" in
    *"could not register"*) log "the AOT cache maps on the extracted layer" ;;
    *) die "the AOT cache does not map on the extracted layer: $err" ;;
  esac
fi

log "$zipfile: $(du -k "$zipfile" | cut -f1) KiB zipped, $(du -sk "$out" | cut -f1) KiB unzipped"
echo "$root/$zipfile"
