// Validates Kubernetes manifests against the Kubernetes OpenAPI schemas compiled into the npm package
// kubernetes-models (and the prometheus-operator CRD schemas for ServiceMonitor). Used by HelmChartTest,
// which installs the packages next to a copy of this script and pipes the rendered manifests in as a
// JSON array. Prints one JSON line per manifest: {"kind","name","ok","errors"}; exit code 0 always
// (the test asserts on the lines); exit code 2 on a broken input.
import { readFileSync } from 'node:fs';

const modules = {
  'v1': (kind) => `kubernetes-models/v1/${kind}`,
  'monitoring.coreos.com/v1': (kind) => `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${kind}`,
};
const modulePath = (apiVersion, kind) =>
  (modules[apiVersion] ?? ((k) => `kubernetes-models/${apiVersion}/${k}`))(kind);

let docs;
try {
  docs = JSON.parse(readFileSync(0, 'utf8'));
} catch (e) {
  console.error(`cannot read manifests: ${e.message}`);
  process.exit(2);
}
for (const doc of docs) {
  const name = doc?.metadata?.name;
  const result = { apiVersion: doc?.apiVersion, kind: doc?.kind, name, ok: false, errors: [] };
  try {
    const mod = await import(modulePath(doc.apiVersion, doc.kind));
    const Model = mod[doc.kind] ?? mod.default;
    if (typeof Model !== 'function') throw new Error(`no model for ${doc.apiVersion} ${doc.kind}`);
    new Model(doc).validate();
    result.ok = true;
  } catch (e) {
    result.errors.push(String(e?.message ?? e));
  }
  console.log(JSON.stringify(result));
}
