#!/usr/bin/env bash
# RPK side by side: this project's server (A, embedded PostgreSQL) and Eclipse Leshan's demo bootstrap server
# (B, in memory) under the same outside driver, as ../shared/bench/side-by-side.sh does for PSK and ECDHE-PSK and
# side-by-side-x509.sh for X.509. The probe's `load` takes PSK and X.509 devices only, so the driver is this
# project's io.lwm2m.provisioning.bench.RpkLoad: Eclipse Leshan's client (not our code), started fresh for each
# bootstrap (a full DTLS handshake), with the probe's command line and output, run through the shared
# scripts/measure.py for the /proc sampling. Both servers get the same driver.
#
#   src/test/bench/side-by-side-rpk.sh PATH/TO/provisioning-server.jar
#   env: DEVICES (1000)  CONCURRENCY (16)  WARMUP (45 s)  DURATION (45 s)  CIPHER (TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8)
#        BENCH (../shared/bench)  OUT (a new temp folder)
#
# Run it from the repository root after building the benchmark classpath (README, "Benchmarks"). Both servers hold
# the same devices: A generates each device's key pair; B gets the same endpoints with the same public keys and
# presents its own P-256 key (-rpubk/-rprik). Both push the same DM account (one PSK DM server). Each side's lines
# pin that side's server key. The last line is the ratio A/B of server CPU per bootstrap.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
JAR=$(readlink -f "${1:?usage: side-by-side-rpk.sh PATH/TO/provisioning-server.jar}")
BENCH=$(readlink -f "${BENCH:-$here/../../../../shared/bench}")
DEVICES=${DEVICES:-1000}; CONC=${CONCURRENCY:-16}; WARM=${WARMUP:-45}; DUR=${DURATION:-45}
CIPHER=${CIPHER:-TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8}
OUT=${OUT:-$(mktemp -d)}; mkdir -p "$OUT"
[[ -f $BENCH/scripts/measure.py ]] || { echo "no shared bench at $BENCH (set BENCH)"; exit 2; }
[[ -s $root/target/bench-classpath.txt && -d $root/target/test-classes ]] \
  || { echo "no benchmark classpath: build it first (README, Benchmarks)"; exit 2; }
# measure.py runs `java -jar $PROBE_JAR load ...`: a jar holding only a manifest that names RpkLoad and its classpath.
python3 - "$OUT/rpk-load.jar" "$root" <<'PY'
import sys, zipfile
jar, root = sys.argv[1], sys.argv[2]
entries = [root + "/target/test-classes/", root + "/target/classes/", root + "/est-ca/target/classes/"]
entries += open(root + "/target/bench-classpath.txt").read().strip().split(":")
cp = " ".join("file:" + e + ("/" if not e.endswith((".jar", "/")) else "") for e in entries)
def wrap(line):  # manifest lines are at most 72 bytes; a continuation starts with a space
    out, rest = [line[:72]], line[72:]
    while rest: out.append(" " + rest[:71]); rest = rest[71:]
    return "\r\n".join(out)
manifest = "\r\n".join(["Manifest-Version: 1.0", "Main-Class: io.lwm2m.provisioning.bench.RpkLoad", wrap("Class-Path: " + cp)]) + "\r\n\r\n"
with zipfile.ZipFile(jar, "w") as z: z.writestr("META-INF/MANIFEST.MF", manifest)
PY
export PROBE_JAR=$OUT/rpk-load.jar
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
mkdir -p "$OUT/a" "$OUT/b"
(cd "$OUT/a" && exec java -Xmx1536m -jar "$JAR" --server.port=$A_HTTP --server.address=127.0.0.1 \
   --provisioning.coap.port=$A_COAP --provisioning.coaps.port=$A_COAPS --provisioning.coap.address=127.0.0.1 \
   --provisioning.est.https.port=-1 --management.server.port=$A_MGMT --management.server.address=127.0.0.1 \
   --provisioning.data-dir="$OUT/a/data" >"$OUT/a/server.log" 2>&1) & A_PID=$!; pids+=($A_PID)
for i in $(seq 1 300); do
  [[ -s $OUT/a/data/initial-admin-key ]] && curl -sf -o /dev/null "http://127.0.0.1:$A_HTTP/api/v1/ca/certificates" && break
  kill -0 $A_PID 2>/dev/null || { echo "A exited: $(tail -3 "$OUT/a/server.log")"; exit 1; }
  sleep 1
done
# A's public key, which each of A's lines pins.
curl -sf "http://127.0.0.1:$A_HTTP/api/v1/bootstrap-server" >"$OUT/a-identity.json"
# B's own identity: a P-256 key pair (DER), which B's lines pin.
openssl ecparam -name prime256v1 -genkey -noout -out "$OUT/b/server-key.pem"
openssl pkcs8 -topk8 -nocrypt -in "$OUT/b/server-key.pem" -outform DER -out "$OUT/b/server-key.der"
openssl ec -in "$OUT/b/server-key.pem" -pubout -outform DER -out "$OUT/b/server-public.der" 2>/dev/null
cp "$BENCH/leshan-bsserver/Californium3.bsserver.properties" "$OUT/b/"
(cd "$OUT/b" && exec java -Xmx1536m -cp "$BENCH/leshan-bsserver/leshan-demo-bsserver.jar:$BENCH/leshan-bsserver" \
   org.eclipse.leshan.demo.bsserver.LeshanBootstrapServerDemo -lh 127.0.0.1 -lp $B_COAP -slh 127.0.0.1 -slp $B_COAPS \
   -wh 127.0.0.1 -wp $B_HTTP -rpubk "$OUT/b/server-public.der" -rprik "$OUT/b/server-key.der" \
   >"$OUT/b/server.log" 2>&1) & B_PID=$!; pids+=($B_PID)
for i in $(seq 1 120); do
  curl -s -o /dev/null "http://127.0.0.1:$B_HTTP/" && break
  kill -0 $B_PID 2>/dev/null || { echo "B exited: $(tail -3 "$OUT/b/server.log")"; exit 1; }
  sleep 1
done
python3 - "$A_HTTP" "$OUT/a/data/initial-admin-key" "$B_HTTP" "$DEVICES" "$OUT" <<'PY' >"$OUT/provision.log" 2>&1 \
  || { echo "provisioning failed: $OUT/provision.log"; exit 1; }
"""Registers DEVICES RPK devices on A (A generates each key pair), registers the same endpoints and public keys
on B with the same DM account, and writes RpkLoad's endpoints files, each side's lines pinning its server key."""
import base64, http.client, json, os, queue, sys, threading, urllib.parse
a_port, keyfile, b_port, n, out = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
A = {"Authorization": "Bearer " + open(keyfile).read().strip(), "Content-Type": "application/json"}
B = {"Content-Type": "application/json"}
def der(pem): return base64.b64decode("".join(l for l in pem.strip().splitlines() if not l.startswith("-----")))
def call(port, headers, method, path, body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request(method, path, json.dumps(body), headers); r = c.getresponse(); data = r.read(); c.close()
    return r.status, data
st, data = call(a_port, A, "POST", "/api/v1/servers", {"name": "dm-1", "uri": "coaps://127.0.0.1:5784", "shortServerId": 123,
                                                        "lifetime": 300, "binding": "U", "securityMode": "PSK"})
if st != 201: sys.exit("A: creating dm-1: %s %s" % (st, data[:300]))
server_key = {"a": der(json.load(open(os.path.join(out, "a-identity.json")))["publicKey"]).hex(),
              "b": open(os.path.join(out, "b", "server-public.der"), "rb").read().hex()}
q = queue.Queue(); [q.put(i) for i in range(n)]
rows, errors = {}, []
def worker():
    while True:
        try: i = q.get_nowait()
        except queue.Empty: return
        ep = "perf-rpk-%05d" % i
        st, data = call(a_port, A, "POST", "/api/v1/devices", {"endpoint": ep, "servers": ["dm-1"], "bootstrapCredential": {"mode": "RPK"}})
        if st != 201: errors.append(("A", ep, st, data[:300])); continue
        cred = json.loads(data)["bootstrapCredential"]
        public, private = der(cred["publicKey"]).hex(), der(cred["privateKey"]).hex()
        st, data = call(b_port, B, "PUT", "/api/security/clients/", {"endpoint": ep, "tls": {"mode": "rpk", "details": {"key": public}}})
        if st != 200: errors.append(("B security", ep, st, data[:300])); continue
        dm_id = list(("dm-" + ep).encode()); dm_key = list(os.urandom(16))
        cfg = {"autoIdForSecurityObject": True, "toDelete": [],
               "servers": {"0": {"shortId": 123, "lifetime": 300, "defaultMinPeriod": 1, "notifIfDisabled": True, "binding": "U"}},
               "security": {"1": {"uri": "coaps://127.0.0.1:5784", "bootstrapServer": False, "securityMode": "PSK",
                                  "publicKeyOrId": dm_id, "serverPublicKey": [], "secretKey": dm_key, "serverId": 123,
                                  "clientOldOffTime": 1, "smsSecurityMode": "NO_SEC", "serverSmsNumber": ""}},
               "oscore": {}}
        st, data = call(b_port, B, "POST", "/api/bootstrap/" + urllib.parse.quote(ep, safe=""), cfg)
        if st != 200: errors.append(("B config", ep, st, data[:300])); continue
        rows[i] = (ep, public, private)
ts = [threading.Thread(target=worker) for _ in range(8)]; [t.start() for t in ts]; [t.join() for t in ts]
print("provisioned", len(rows), "errors", len(errors), errors[:3])
if errors or len(rows) != n: sys.exit(1)
for side in ("a", "b"):
    with open(os.path.join(out, "eps-%s.csv" % side), "w") as f:
        for i in sorted(rows):
            ep, public, private = rows[i]
            f.write("%s,rpk,%s,%s,%s\n" % (ep, public, private, server_key[side]))
PY
python3 "$BENCH/scripts/measure.py" rpk-A A $A_PID "$OUT/a/data/postgres" coaps://127.0.0.1:$A_COAPS "$OUT/eps-a.csv" $CONC $WARM $DUR $CIPHER "$OUT" >/dev/null
python3 "$BENCH/scripts/measure.py" rpk-B B $B_PID - coaps://127.0.0.1:$B_COAPS "$OUT/eps-b.csv" $CONC $WARM $DUR $CIPHER "$OUT" >/dev/null
python3 - "$OUT/results.jsonl" <<'PY'
import json, sys
rows = {r["label"]: r for r in map(json.loads, open(sys.argv[1]))}
print("%-8s %-2s %8s %8s %8s %6s %10s %9s %9s %9s" % ("mode", "", "per s", "p50 ms", "p99 ms", "fail", "server ms", "java ms", "pg ms", "driver ms"))
for label, r in rows.items():
    print("%-8s %-2s %8.1f %8.1f %8.1f %6d %10s %9s %9s %9s" % (label[:-2], r["server"], r["perSecond"] or 0, r["p50"] or 0, r["p99"] or 0,
          (r["failed"] or 0) + (r["timeouts"] or 0), r["serverMsPerBootstrap"], r["javaMs"], r["pgMs"], r["probeMs"]))
a, b = rows.get("rpk-A"), rows.get("rpk-B")
if a and b and a["serverMsPerBootstrap"] and b["serverMsPerBootstrap"]:
    print("A/B server CPU per bootstrap: rpk %.2f" % (a["serverMsPerBootstrap"] / b["serverMsPerBootstrap"]))
PY
echo "results: $OUT/results.jsonl"
