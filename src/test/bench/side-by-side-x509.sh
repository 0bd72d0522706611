#!/usr/bin/env bash
# X.509 side by side: this project's server (A, embedded PostgreSQL) and Eclipse Leshan's demo bootstrap server
# (B, in memory) under the same outside driver, the probe's `load` (Leshan's client, a full DTLS handshake per
# bootstrap), as ../shared/bench/side-by-side.sh does for PSK and ECDHE-PSK; that script provisions PSK devices
# only, and the probe's load takes X.509 devices as `endpoint,x509,cert,key,ca` lines.
#
#   src/test/bench/side-by-side-x509.sh PATH/TO/provisioning-server.jar
#   env: DEVICES (1000)  CONCURRENCY (16)  WARMUP (45 s)  DURATION (45 s)  CIPHER (TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8)
#        BENCH (../shared/bench)  OUT (a new temp folder)
#
# Both servers hold the same devices: A generates each device's key and certificate (CN = endpoint, from its CA);
# B gets the same endpoints as X.509 clients, trusts only A's CA certificates (-ts), so it validates the device's
# certificate as A does, and presents its own P-256 certificate. Both push the same DM account (one PSK DM server). The probe
# trusts A's CA for A and B's certificate for B. Reuses the shared scripts/measure.py for the /proc sampling;
# the last line is the ratio A/B of server CPU per bootstrap. The common steps are in side-by-side-lib.sh.
MODE=x509
source "$(dirname "$0")/side-by-side-lib.sh"
cache=${XDG_CACHE_HOME:-$HOME/.cache}/lwm2m-bench
digest=$(cat "$BENCH"/lwm2m-probe/pom.xml $(find "$BENCH/lwm2m-probe/src" -type f | sort) | sha256sum | cut -c1-12)
export PROBE_JAR=$cache/probe-$digest/target/lwm2m-probe.jar
[[ -s $PROBE_JAR ]] || { echo "the probe is not built: run $BENCH/side-by-side.sh once (it builds $PROBE_JAR)"; exit 2; }
sbs_start_a
# A's CA chain (issuing first, root last): the probe validates A's server certificate with it.
curl -sf "http://127.0.0.1:$A_HTTP/api/v1/ca/certificates" >"$OUT/a-ca.pem"
# B trusts A's CA certificates (a folder of DER files): the device presents its certificate alone, as to A.
mkdir -p "$OUT/b/trusted"
python3 - "$OUT/a-ca.pem" "$OUT/b/trusted" <<'PY'
import os, sys
pems = [p.strip() + "\n-----END CERTIFICATE-----\n" for p in open(sys.argv[1]).read().split("-----END CERTIFICATE-----")
        if "BEGIN CERTIFICATE" in p]
for i, pem in enumerate(pems):
    open(os.path.join(sys.argv[2], "ca-%d.pem" % i), "w").write(pem)
PY
for pem in "$OUT"/b/trusted/*.pem; do openssl x509 -in "$pem" -outform DER -out "${pem%.pem}.der" && rm "$pem"; done
# B's own identity: a P-256 key and a self-signed certificate, which its lines of the endpoints file pin.
openssl ecparam -name prime256v1 -genkey -noout -out "$OUT/b/server-key.pem"
openssl pkcs8 -topk8 -nocrypt -in "$OUT/b/server-key.pem" -outform DER -out "$OUT/b/server-key.der"
openssl req -new -x509 -key "$OUT/b/server-key.pem" -subj "/CN=localhost" -days 30 -out "$OUT/b/server-cert.pem" 2>/dev/null
sbs_start_b -xcert "$OUT/b/server-cert.pem" -xprik "$OUT/b/server-key.der" -ts "$OUT/b/trusted"
sbs_provision
sbs_measure
