#!/usr/bin/env bash
# Two builds of the server compared on a machine whose speed drifts within a sitting (this 2-core VM's
# does, by 20-30 % over an hour): runs one benchmark for jar A and jar B in ABBA blocks and takes each
# block's ratio from its own four runs, so a machine that slows down weighs on both builds alike.
#
#   src/test/bench/paired.sh A.jar B.jar [BootstrapBenchmark|EstBenchmark] [benchmark options...]
#   env: BLOCKS (2)  OUT (a new temp folder)
#        A_OPTS, B_OPTS: options for one side's runs only, split at spaces (each option and value one word),
#        to compare two settings of one jar, e.g. B_OPTS="--server-jvm -XX:+UseParallelGC" with A.jar = B.jar
#
# Run it from the repository root after building the benchmark classpath (README, "Benchmarks"). Prints
# each run's RESULT line, then per block the ratio B/A of server CPU per operation (and of its Java and
# PostgreSQL parts), and the geometric mean over the blocks. A ratio below 1 means B is cheaper. Then the
# same for server CPU over the load generator's CPU per operation, which is steadier when the machine's
# speed drifts between runs.
set -euo pipefail
A=$(readlink -f "${1:?usage: paired.sh A.jar B.jar [BootstrapBenchmark|EstBenchmark] [options...]}")
B=$(readlink -f "${2:?usage: paired.sh A.jar B.jar [BootstrapBenchmark|EstBenchmark] [options...]}")
shift 2
CLASS=BootstrapBenchmark
if [[ $# -gt 0 && $1 != -* ]]; then CLASS=$1; shift; fi
BLOCKS=${BLOCKS:-2}
OUT=${OUT:-$(mktemp -d)}; mkdir -p "$OUT"
[[ -s target/bench-classpath.txt ]] || { echo "no target/bench-classpath.txt: build the benchmark classpath first (README, Benchmarks)"; exit 2; }
cp="target/test-classes:target/classes:est-ca/target/classes:$(cat target/bench-classpath.txt)"
read -ra A_EXTRA <<< "${A_OPTS:-}"; read -ra B_EXTRA <<< "${B_OPTS:-}"
echo "A = $A ${A_OPTS:-}"; echo "B = $B ${B_OPTS:-}"; echo "$CLASS $* ; $BLOCKS ABBA blocks; output in $OUT"
for ((block = 1; block <= BLOCKS; block++)); do
  for run in A1 B1 B2 A2; do
    jar=$A; extra=("${A_EXTRA[@]}")
    [[ $run == B* ]] && { jar=$B; extra=("${B_EXTRA[@]}"); }
    log=$OUT/block$block-$run
    if ! java -cp "$cp" "io.lwm2m.provisioning.bench.$CLASS" --jar "$jar" "$@" "${extra[@]}" > "$log.out" 2> "$log.err"; then
      echo "block $block run $run failed (exit $?): see $log.out and $log.err"; exit 1
    fi
    line=$(grep '^RESULT' "$log.out" | tail -1)
    [[ -n $line ]] || { echo "block $block run $run printed no RESULT line: see $log.out"; exit 1; }
    echo "block $block $run $line" | tee -a "$OUT/results.txt"
  done
done
python3 - "$OUT/results.txt" <<'PY'
import math, sys
runs = {}
for line in open(sys.argv[1]):
    words = line.split()
    block, run = int(words[1]), words[2]
    runs[(block, run)] = dict(w.split("=", 1) for w in words[4:] if "=" in w)
keys = ("server_cpu_ms", "java_cpu_ms", "pg_cpu_ms")
ratios = {k: [] for k in keys}
for block in sorted({b for b, _ in runs}):
    r = {k: (float(runs[(block, "B1")][k]) + float(runs[(block, "B2")][k]))
            / (float(runs[(block, "A1")][k]) + float(runs[(block, "A2")][k])) for k in keys}
    for k in keys:
        ratios[k].append(r[k])
    print(f"block {block}: B/A server CPU per operation {r['server_cpu_ms']:.3f} "
          f"(java {r['java_cpu_ms']:.3f}, postgres {r['pg_cpu_ms']:.3f})")
gm = {k: math.exp(sum(map(math.log, v)) / len(v)) for k, v in ratios.items()}
print(f"geometric mean B/A: server CPU {gm['server_cpu_ms']:.3f} (java {gm['java_cpu_ms']:.3f}, postgres {gm['pg_cpu_ms']:.3f})")
# The load generator does the same work per operation in every run, so server CPU over its CPU cancels
# most of the machine's drift between runs (it moved by 60 % within one hour on the 2-core VM).
if all("loadgen_cpu_ms" in r for r in runs.values()):
    def gauged(run):
        return float(run["server_cpu_ms"]) / float(run["loadgen_cpu_ms"])
    blocks = []
    for block in sorted({b for b, _ in runs}):
        a = [gauged(runs[(block, x)]) for x in ("A1", "A2")]
        b = [gauged(runs[(block, x)]) for x in ("B1", "B2")]
        blocks.append(sum(b) / sum(a))
        print(f"block {block}: server CPU over the load generator's, A {a[0]:.3f} {a[1]:.3f}, B {b[0]:.3f} {b[1]:.3f}:"
              f" B/A {blocks[-1]:.3f}")
    print(f"geometric mean B/A against the load generator: {math.exp(sum(map(math.log, blocks)) / len(blocks)):.3f}")
PY
