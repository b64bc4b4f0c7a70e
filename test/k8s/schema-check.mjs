// Validates Kubernetes objects against the Kubernetes API schemas of kubernetes-models (an ES module, which jest's
// CommonJS runtime cannot load, so test/k8s/manifests.e2e.test.ts runs this in a node process of its own).
// Reads a JSON array of objects on stdin; writes a JSON array of { kind, name, error } (error null when valid).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const root = dirname(createRequire(import.meta.url).resolve('kubernetes-models/package.json'));
const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const object of objects) {
  const name = object.metadata?.name ?? '(no name)';
  // "apps/v1" -> apps/v1/Deployment.js; the core group "v1" -> v1/ConfigMap.js.
  const file = join(root, ...String(object.apiVersion).split('/'), `${object.kind}.js`);
  let model;
  try {
    model = (await import(pathToFileURL(file).href))[object.kind];
  } catch {
    results.push({ kind: object.kind, name, error: `no Kubernetes schema for ${object.apiVersion} ${object.kind}` });
    continue;
  }
  try {
    new model(object).validate();
    results.push({ kind: object.kind, name, error: null });
  } catch (err) {
    results.push({ kind: object.kind, name, error: String(err.message ?? err) });
  }
}
process.stdout.write(JSON.stringify(results));
