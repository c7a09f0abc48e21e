#!/usr/bin/env bash
# Where every MiB of the extension goes once it is ready: reads what `deploy/lambda-shaped.sh
# --smaps` kept in a run directory and prints a markdown table (also run by it at the end).
#
# usage: deploy/smaps-breakdown.sh RUN_DIR
#   RUN_DIR/smaps-ready.txt       /proc/PID/smaps of the JVM at ready (the universe: every mapping)
#   RUN_DIR/system-map-ready.txt  `jcmd PID System.map` taken just after (JDK 22+, with
#                                 -XX:NativeMemoryTracking=summary): names the anonymous mappings
#                                 (Java heap, class space, metaspace, code cache, thread stacks, GC)
#   RUN_DIR/fincore-ready.txt     the layer's files in the page cache (fincore), mapped or read
#   RUN_DIR/snap-ready.json       the cgroup's charge at ready (lambda-shaped.sh's snapshot)
# A mapping is matched to System.map by its start address; anonymous memory that NMT does not name
# is glibc malloc (its 64 MiB arenas and [heap]) or a library's own. The attach of jcmd itself
# (its Attach Listener thread) comes after the smaps copy, so it is not counted.
set -euo pipefail

dir=${1:?usage: $0 RUN_DIR}
smaps=$dir/smaps-ready.txt
map=$dir/system-map-ready.txt
[ -s "$smaps" ] || { echo "smaps-breakdown: no $smaps (run lambda-shaped.sh --smaps)" >&2; exit 1; }
[ -s "$map" ] || map=/dev/null

echo "## Where every MiB goes at ready ($(basename "$dir"))"
echo
if [ -s "$dir/snap-ready.json" ] && command -v jq >/dev/null; then
  jq -r '"- cgroup charged at ready: \(.cgroup.usage / 1048576 | . * 10 | round / 10) MiB = anonymous "
    + "\(.cgroup.anon / 1048576 | . * 10 | round / 10) + page cache \(.cgroup.cache / 1048576 | . * 10 | round / 10)"
    + " (of which mapped \(.cgroup.mappedFile / 1048576 | . * 10 | round / 10)) + kernel "
    + "\(.cgroup.kernel / 1048576 | . * 10 | round / 10) (kmem: page tables, slab, sockets; part of the total)"
    + (if .node.pid > 0 then "; the Node stand-in holds \(.node.vmRssKb / 1024 | round) MiB of it" else "" end),
    "- JVM RSS at ready: \(.process.vmRssKb / 1024 | . * 10 | round / 10) MiB = RssAnon "
    + "\(.process.rssAnonKb / 1024 | . * 10 | round / 10) + RssFile \(.process.rssFileKb / 1024 | . * 10 | round / 10)"
    + "; \(.process.threads) threads"' "$dir/snap-ready.json"
fi
[ "$map" != /dev/null ] || echo "- no System.map: anonymous mappings are not named (no JDK 25 jcmd or no NMT)"
echo
echo "| what (RSS of the JVM process) | RSS (MiB) | anonymous / dirty private (MiB) | file-backed clean (MiB) | mappings |"
echo "| --- | ---: | ---: | ---: | ---: |"
awk -v mapfile="$map" '
  function norm(a) { sub(/^0x/, "", a); sub(/^0+/, "", a); return a }
  function category(info, path) {
    if (path ~ /app\.aot$/ || info == "CDS") return "1 AOT cache (app.aot, mapped)"
    if (path ~ /\/lib\/modules$/) return "2 jre lib/modules (mapped)"
    if (path ~ /libjvm\.so$/) return "3 libjvm.so"
    if (path ~ /\.jar$/) return "4 jars (mapped)"
    if (info == "JAVAHEAP") return "5 Java heap"
    if (info == "CLASS") return "6 class space"
    if (info == "META") return "7 metaspace"
    if (info == "CODE") return "8 code cache"
    if (info ~ /^STACK/) return "9 thread stacks"
    if (info == "GC" || info == "CARDTBL") return "10 GC data (card table, bitmaps)"
    if (info != "-" && info != "") return "11 other JVM mappings (" info ")"
    if (path == "[heap]") return "12 malloc: main arena ([heap])"
    if (path == "[stack]") return "13 main thread stack"
    if (path ~ /^\[/) return "14 kernel-provided (vdso, vvar)"
    if (path ~ /\/lambda-telemetry-otel\// ) return "15 other files of the layer (bin/java, JDK .so)"
    if (path ~ /^\//) return "16 system libraries (libc, ld.so, libz, locale)"
    return "17 anonymous, not named by NMT (malloc arenas, C libraries)"
  }
  BEGIN {
    while ((getline line < mapfile) > 0) {
      n = split(line, f, /[ \t]+/)
      if (f[1] !~ /^0x[0-9a-f]+-0x[0-9a-f]+$/ || n < 9) continue
      split(f[1], r, "-")
      info[norm(r[1])] = f[8]
    }
  }
  /^[0-9a-f]+-[0-9a-f]+ / {
    flush()
    split($1, r, "-")
    start = norm(r[1]); path = ""
    for (i = 6; i <= NF; i++) path = path (i > 6 ? " " : "") $i
    open = 1; rss = 0; anon = 0; dirty = 0
    next
  }
  /^Rss:/ { rss = $2 }
  /^Anonymous:/ { anon = $2 }
  /^Private_Dirty:/ { dirty = $2 }
  function flush() {
    if (!open) return
    c = category((start in info) ? info[start] : "-", path)
    # Private dirty pages of a file mapping (relocated AOT cache, library data) are anonymous-like:
    # nobody else can share them.
    priv = (anon > dirty) ? anon : dirty
    total[c] += rss; privk[c] += priv; count[c]++
    if (rss > 0) rcount[c]++
    open = 0
  }
  END {
    flush()
    for (c in total) { sum += total[c]; psum += privk[c]; ncat++; keys[ncat] = c }
    # sort by the leading number
    for (i = 1; i <= ncat; i++) for (j = i + 1; j <= ncat; j++) {
      split(keys[i], a, " "); split(keys[j], b, " ")
      if (a[1] + 0 > b[1] + 0) { t = keys[i]; keys[i] = keys[j]; keys[j] = t }
    }
    for (i = 1; i <= ncat; i++) {
      c = keys[i]; label = c; sub(/^[0-9]+ /, "", label)
      if (total[c] == 0) continue
      printf "| %s | %.1f | %.1f | %.1f | %d |\n", label, total[c] / 1024, privk[c] / 1024,
        (total[c] - privk[c]) / 1024, rcount[c]
    }
    printf "| **total** | **%.1f** | **%.1f** | **%.1f** | |\n", sum / 1024, psum / 1024, (sum - psum) / 1024
  }' "$smaps"

if [ -s "$dir/fincore-ready.txt" ]; then
  echo
  echo "Layer files in the page cache at ready (charged to the cgroup; mapped or read):"
  echo
  echo "| file(s) | resident (MiB) |"
  echo "| --- | ---: |"
  awk '{
      res = $1; path = $2
      if (path ~ /app\.aot$/) k = "app.aot (AOT cache)"
      else if (path ~ /\/lib\/modules$/) k = "jre/lib/modules"
      else if (path ~ /libjvm\.so$/) k = "jre/lib/server/libjvm.so"
      else if (path ~ /\.jar$/) k = "jars (app/, app/lib/)"
      else k = "other files of the layer"
      sum[k] += res; total += res
    }
    END {
      for (k in sum) if (sum[k] > 0) printf "%.1f\t%s\n", sum[k] / 1048576, k
      printf "%.1f\ttotal\n", total / 1048576
    }' "$dir/fincore-ready.txt" | sort -t"$(printf '\t')" -k1,1 -rn \
    | awk -F'\t' '$2 != "total" { printf "| %s | %s |\n", $2, $1 } $2 == "total" { t = $1 }
        END { printf "| **total** | **%s** |\n", t }'
fi
if [ -s "$dir/nmt-ready.txt" ]; then
  echo
  echo "NMT summary at ready (committed, not resident; NMT adds its own overhead):"
  echo
  echo '```'
  grep -E '^Total|^-  *[A-Z]|committed=' "$dir/nmt-ready.txt" | grep -E '^Total|^- ' | sed 's/^-  */- /' | head -30
  echo '```'
fi
