# Shared by side-by-side-x509.sh and side-by-side-rpk.sh (sourced, not run): this project's server (A, embedded
# PostgreSQL) and Eclipse Leshan's demo bootstrap server (B, in memory) side by side under one outside driver, as
# ../shared/bench/side-by-side.sh does for PSK. The caller sets MODE (x509 or rpk) and the usage text, then calls
# sbs_start_a, its own identity setup for B, sbs_start_b with B's identity options, sbs_provision and sbs_measure.
set -euo pipefail
lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
JAR=$(readlink -f "${1:?usage: $(basename "$0") PATH/TO/provisioning-server.jar}")
BENCH=$(readlink -f "${BENCH:-$lib_dir/../../../../shared/bench}")
DEVICES=${DEVICES:-1000}; CONC=${CONCURRENCY:-16}; WARM=${WARMUP:-45}; DUR=${DURATION:-45}
CIPHER=${CIPHER:-TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8}
OUT=${OUT:-$(mktemp -d)}; mkdir -p "$OUT/a" "$OUT/b"
[[ -f $BENCH/scripts/measure.py ]] || { echo "no shared bench at $BENCH (set BENCH)"; exit 2; }
ports=$(python3 - <<'PY'
import socket
def p(kind):
    s = socket.socket(socket.AF_INET, kind); s.bind(("127.0.0.1", 0)); n = s.getsockname()[1]; s.close(); return n
T, U = socket.SOCK_STREAM, socket.SOCK_DGRAM
print(p(T), p(T), p(U), p(U), p(T), p(U), p(U))
PY
)
read -r A_HTTP A_MGMT A_COAP A_COAPS B_HTTP B_COAP B_COAPS <<<"$ports"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# Starts A on its data dir in $OUT/a and waits until its API answers.
sbs_start_a() {
  (cd "$OUT/a" && exec java -Xmx1536m -jar "$JAR" --server.port=$A_HTTP --server.address=127.0.0.1 \
     --provisioning.coap.port=$A_COAP --provisioning.coaps.port=$A_COAPS --provisioning.coap.address=127.0.0.1 \
     --provisioning.est.https.port=-1 --management.server.port=$A_MGMT --management.server.address=127.0.0.1 \
     --provisioning.data-dir="$OUT/a/data" >"$OUT/a/server.log" 2>&1) & A_PID=$!; pids+=($A_PID)
  for i in $(seq 1 300); do
    [[ -s $OUT/a/data/initial-admin-key ]] && curl -sf -o /dev/null "http://127.0.0.1:$A_HTTP/api/v1/ca/certificates" && return 0
    kill -0 $A_PID 2>/dev/null || { echo "A exited: $(tail -3 "$OUT/a/server.log")"; exit 1; }
    sleep 1
  done
  echo "A did not answer within 300 s"; exit 1
}

# Starts B with its own identity's options ("$@") and waits until its web server answers.
sbs_start_b() {
  cp "$BENCH/leshan-bsserver/Californium3.bsserver.properties" "$OUT/b/"
  (cd "$OUT/b" && exec java -Xmx1536m -cp "$BENCH/leshan-bsserver/leshan-demo-bsserver.jar:$BENCH/leshan-bsserver" \
     org.eclipse.leshan.demo.bsserver.LeshanBootstrapServerDemo -lh 127.0.0.1 -lp $B_COAP -slh 127.0.0.1 -slp $B_COAPS \
     -wh 127.0.0.1 -wp $B_HTTP "$@" >"$OUT/b/server.log" 2>&1) & B_PID=$!; pids+=($B_PID)
  for i in $(seq 1 120); do
    curl -s -o /dev/null "http://127.0.0.1:$B_HTTP/" && return 0
    kill -0 $B_PID 2>/dev/null || { echo "B exited: $(tail -3 "$OUT/b/server.log")"; exit 1; }
    sleep 1
  done
  echo "B did not answer within 120 s"; exit 1
}

# The same $DEVICES devices on both servers, and the driver's endpoints files $OUT/eps-a.csv and eps-b.csv.
sbs_provision() {
  python3 "$lib_dir/side_by_side_provision.py" "$MODE" "$A_HTTP" "$OUT/a/data/initial-admin-key" "$B_HTTP" "$DEVICES" "$OUT" \
    >"$OUT/provision.log" 2>&1 || { echo "provisioning failed: $OUT/provision.log"; exit 1; }
}

# One measured window per server through the shared measure.py ($PROBE_JAR is the driver), then the table and A/B.
sbs_measure() {
  python3 "$BENCH/scripts/measure.py" $MODE-A A $A_PID "$OUT/a/data/postgres" coaps://127.0.0.1:$A_COAPS "$OUT/eps-a.csv" $CONC $WARM $DUR $CIPHER "$OUT" >/dev/null
  python3 "$BENCH/scripts/measure.py" $MODE-B B $B_PID - coaps://127.0.0.1:$B_COAPS "$OUT/eps-b.csv" $CONC $WARM $DUR $CIPHER "$OUT" >/dev/null
  python3 - "$OUT/results.jsonl" "$MODE" <<'PY'
import json, sys
rows = {r["label"]: r for r in map(json.loads, open(sys.argv[1]))}
mode = sys.argv[2]
print("%-8s %-2s %8s %8s %8s %6s %10s %9s %9s %9s" % ("mode", "", "per s", "p50 ms", "p99 ms", "fail", "server ms", "java ms", "pg ms", "driver ms"))
for label, r in rows.items():
    print("%-8s %-2s %8.1f %8.1f %8.1f %6d %10s %9s %9s %9s" % (label[:-2], r["server"], r["perSecond"] or 0, r["p50"] or 0, r["p99"] or 0,
          (r["failed"] or 0) + (r["timeouts"] or 0), r["serverMsPerBootstrap"], r["javaMs"], r["pgMs"], r["probeMs"]))
a, b = rows.get(mode + "-A"), rows.get(mode + "-B")
if a and b and a["serverMsPerBootstrap"] and b["serverMsPerBootstrap"]:
    print("A/B server CPU per bootstrap: %s %.2f" % (mode, a["serverMsPerBootstrap"] / b["serverMsPerBootstrap"]))
PY
  echo "results: $OUT/results.jsonl"
}
