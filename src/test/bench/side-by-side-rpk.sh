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
# pin that side's server key. The last line is the ratio A/B of server CPU per bootstrap. The common steps are in
# side-by-side-lib.sh.
MODE=rpk
source "$(dirname "$0")/side-by-side-lib.sh"
root=$(cd "$lib_dir/../../.." && pwd)
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
sbs_start_a
# A's public key, which each of A's lines pins.
curl -sf "http://127.0.0.1:$A_HTTP/api/v1/bootstrap-server" >"$OUT/a-identity.json"
# B's own identity: a P-256 key pair (DER), which B's lines pin.
openssl ecparam -name prime256v1 -genkey -noout -out "$OUT/b/server-key.pem"
openssl pkcs8 -topk8 -nocrypt -in "$OUT/b/server-key.pem" -outform DER -out "$OUT/b/server-key.der"
openssl ec -in "$OUT/b/server-key.pem" -pubout -outform DER -out "$OUT/b/server-public.der" 2>/dev/null
sbs_start_b -rpubk "$OUT/b/server-public.der" -rprik "$OUT/b/server-key.der"
sbs_provision
sbs_measure
