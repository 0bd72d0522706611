"""Provisions the side-by-side comparisons' devices (side-by-side-lib.sh): DEVICES devices on A, each with a
bootstrap credential A generates (MODE x509: key and certificate; rpk: key pair) and one PSK DM server; the same
endpoints on B, Leshan's demo, with the same DM account (x509: B trusts A's CA, so it checks the certificate as A
does; rpk: B's store holds the same public key); then the driver's endpoints files OUT/eps-a.csv and eps-b.csv,
each side's lines pinning that side's server identity.

  side_by_side_provision.py MODE A_HTTP_PORT ADMIN_KEY_FILE B_HTTP_PORT DEVICES OUT
"""
import base64, http.client, json, os, queue, sys, threading, urllib.parse

mode, a_port, keyfile, b_port, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
A = {"Authorization": "Bearer " + open(keyfile).read().strip(), "Content-Type": "application/json"}
B = {"Content-Type": "application/json"}


def call(port, headers, method, path, body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request(method, path, json.dumps(body), headers); r = c.getresponse(); data = r.read(); c.close()
    return r.status, data


def der(pem):
    return base64.b64decode("".join(l for l in pem.strip().splitlines() if not l.startswith("-----")))


def b_config(ep):
    """B's bootstrap config for one device: the DM account A pushes too (a fresh PSK per device)."""
    return {"autoIdForSecurityObject": True, "toDelete": [],
            "servers": {"0": {"shortId": 123, "lifetime": 300, "defaultMinPeriod": 1, "notifIfDisabled": True, "binding": "U"}},
            "security": {"1": {"uri": "coaps://127.0.0.1:5784", "bootstrapServer": False, "securityMode": "PSK",
                               "publicKeyOrId": list(("dm-" + ep).encode()), "serverPublicKey": [],
                               "secretKey": list(os.urandom(16)), "serverId": 123, "clientOldOffTime": 1,
                               "smsSecurityMode": "NO_SEC", "serverSmsNumber": ""}},
            "oscore": {}}


def register(ep):
    """Registers ep on both servers; returns its line's device part (shared by both files)."""
    st, data = call(a_port, A, "POST", "/api/v1/devices", {"endpoint": ep, "servers": ["dm-1"],
                                                           "bootstrapCredential": {"mode": mode.upper()}})
    if st != 201: raise RuntimeError("A %s %s" % (st, data[:300]))
    cred = json.loads(data)["bootstrapCredential"]
    if mode == "x509":
        cert, key = os.path.join(out, "devices", ep + ".pem"), os.path.join(out, "devices", ep + ".key")
        open(cert, "w").write(cred["certificate"]); open(key, "w").write(cred["privateKey"])
        tls, line = {"mode": "x509"}, "%s,x509,%s,%s" % (ep, cert, key)
    else:
        public, private = der(cred["publicKey"]).hex(), der(cred["privateKey"]).hex()
        tls, line = {"mode": "rpk", "details": {"key": public}}, "%s,rpk,%s,%s" % (ep, public, private)
    st, data = call(b_port, B, "PUT", "/api/security/clients/", {"endpoint": ep, "tls": tls})
    if st != 200: raise RuntimeError("B security %s %s" % (st, data[:300]))
    st, data = call(b_port, B, "POST", "/api/bootstrap/" + urllib.parse.quote(ep, safe=""), b_config(ep))
    if st != 200: raise RuntimeError("B config %s %s" % (st, data[:300]))
    return line


st, data = call(a_port, A, "POST", "/api/v1/servers", {"name": "dm-1", "uri": "coaps://127.0.0.1:5784", "shortServerId": 123,
                                                        "lifetime": 300, "binding": "U", "securityMode": "PSK"})
if st != 201: sys.exit("A: creating dm-1: %s %s" % (st, data[:300]))
os.makedirs(os.path.join(out, "devices"), exist_ok=True)
# What each side's lines pin: x509 the CA chain (A) or certificate (B) that validates the server, rpk its public key.
if mode == "x509":
    pins = {"a": os.path.join(out, "a-ca.pem"), "b": os.path.join(out, "b", "server-cert.pem")}
else:
    pins = {"a": der(json.load(open(os.path.join(out, "a-identity.json")))["publicKey"]).hex(),
            "b": open(os.path.join(out, "b", "server-public.der"), "rb").read().hex()}
q = queue.Queue(); [q.put(i) for i in range(n)]
rows, errors = {}, []


def worker():
    while True:
        try: i = q.get_nowait()
        except queue.Empty: return
        ep = "perf-%s-%05d" % (mode, i)
        try: rows[i] = register(ep)
        except (RuntimeError, OSError) as e: errors.append((ep, str(e)))


ts = [threading.Thread(target=worker) for _ in range(8)]; [t.start() for t in ts]; [t.join() for t in ts]
print("provisioned", len(rows), "errors", len(errors), errors[:3])
if errors or len(rows) != n: sys.exit(1)
for side in ("a", "b"):
    with open(os.path.join(out, "eps-%s.csv" % side), "w") as f:
        for i in sorted(rows):
            f.write("%s,%s\n" % (rows[i], pins[side]))
