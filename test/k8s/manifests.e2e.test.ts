import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadConfig, QUEUE_NAMES } from '@tandem/config';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

/**
 * The Kubernetes manifests in deploy/k8s: rendered by kustomize (kubectl's built-in `kubectl kustomize`), validated
 * against the Kubernetes API schemas (kubernetes-models), and held to Tandem's own rules: resources on every
 * container, the probes, grace periods above SHUTDOWN_GRACE, secrets and settings Tandem knows.
 */
const ROOT = join(__dirname, '..', '..');
const K8S = join(ROOT, 'deploy', 'k8s');

type Obj = Record<string, any>;

/**
 * The kustomization rendered by kubectl's built-in kustomize where kubectl is installed; elsewhere (kubectl is not a
 * Debian package) by `renderByHand`, which does the part of kustomize these kustomizations use.
 */
function render(dir: string): Obj[] {
  let text: string;
  try {
    text = execFileSync('kubectl', ['kustomize', join(K8S, dir)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { code?: string; stderr?: string };
    if (e.code === 'ENOENT') return renderByHand(join(K8S, dir));
    throw new Error(`kubectl kustomize deploy/k8s/${dir}: ${e.stderr}`);
  }
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Obj)
    .filter(Boolean);
}

/**
 * What kustomize does with these kustomizations: `resources` (files and folders, in order), `components` (their
 * `images`), `images` (a container image named `name`, with or without a tag, becomes `newName:newTag`) and
 * `namespace` (set on every object but a Namespace). Anything else in a kustomization is refused, so this cannot
 * silently render a kustomization differently from kustomize.
 */
function renderByHand(folder: string): Obj[] {
  const k = parseYaml(readFileSync(join(folder, 'kustomization.yaml'), 'utf8')) as Obj;
  const known = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'components', 'images']);
  const unknown = Object.keys(k).filter((key) => !known.has(key));
  if (unknown.length > 0)
    throw new Error(
      `kubectl is not installed, and ${relative(ROOT, folder)} uses ${unknown.join(', ')}, which this test cannot render by hand`,
    );
  const objects: Obj[] = [];
  for (const entry of (k.resources ?? []) as string[]) {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) objects.push(...renderByHand(path));
    else
      objects.push(
        ...parseAllDocuments(readFileSync(path, 'utf8'))
          .map((doc) => doc.toJS() as Obj)
          .filter(Boolean),
      );
  }
  const images = [...((k.images ?? []) as Obj[])];
  for (const component of (k.components ?? []) as string[]) {
    const c = parseYaml(readFileSync(join(folder, component, 'kustomization.yaml'), 'utf8')) as Obj;
    images.push(...((c.images ?? []) as Obj[]));
  }
  for (const object of objects) {
    if (k.namespace && object.kind !== 'Namespace') object.metadata = { ...object.metadata, namespace: k.namespace };
    const spec = object.spec?.template?.spec ?? object.spec?.jobTemplate?.spec?.template?.spec;
    for (const container of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])] as Obj[]) {
      const image = images.find((i) => container.image === i.name || String(container.image).startsWith(`${i.name}:`));
      if (image)
        container.image = `${image.newName ?? image.name}:${image.newTag ?? String(container.image).split(':')[1] ?? 'latest'}`;
    }
  }
  return objects;
}

/** Validation errors by object, from the kubernetes-models schemas (an ES module: a node process of its own). */
function schemaErrors(objects: Obj[]): { kind: string; name: string; error: string | null }[] {
  const out = execFileSync(process.execPath, [join(__dirname, 'schema-check.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    cwd: ROOT,
  });
  return JSON.parse(out);
}

const app = render('app');
const migrate = render('migrate');
const secretExample = parseYaml(readFileSync(join(K8S, 'secret.example.yaml'), 'utf8')) as Obj;
const all = [...app, ...migrate];
const of = (objects: Obj[], kind: string) => objects.filter((o) => o.kind === kind);
const deployments = of(app, 'Deployment');
const job = of(migrate, 'Job')[0];
const configMap = of(app, 'ConfigMap')[0];
/** Every pod template: the Deployments' and the migration Job's. */
const templates = [...deployments, job].map((o) => ({
  name: o.metadata.name as string,
  owner: o,
  pod: o.spec.template as Obj,
}));
const containersOf = (pod: Obj): Obj[] => [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;

/** The environment a container gets: its ConfigMaps (envFrom) and its own env, secrets as the example gives them. */
function envOf(container: Obj): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const map = all.find((o) => o.kind === 'ConfigMap' && o.metadata.name === source.configMapRef?.name);
    if (!map)
      throw new Error(`${container.name}: envFrom names no ConfigMap of the manifests (${JSON.stringify(source)})`);
    Object.assign(env, map.data);
  }
  for (const item of container.env ?? []) {
    const ref = item.valueFrom?.secretKeyRef;
    env[item.name] = ref ? secretExample.stringData[ref.key] : item.value;
  }
  return env;
}

/** The names of the variables Tandem's configuration reads (loadConfig reads exactly the keys of its schema). */
function knownVariables(): Set<string> {
  const read = new Set<string>();
  const base: Record<string, string> = { NODE_ENV: 'test' };
  loadConfig(
    new Proxy(base, { get: (target, key) => (typeof key === 'string' && read.add(key), target[key as string]) }),
  );
  return read;
}

/** "node dist/x.js" from a package.json script "node dist/x.js". */
const commandOf = (script: string) => script.trim().split(/\s+/);

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('renders by hand exactly what kustomize renders (the fallback for machines without kubectl)', () => {
    for (const dir of ['app', 'migrate']) {
      const byHand = renderByHand(join(K8S, dir));
      const key = (o: Obj) => `${o.kind}/${o.metadata?.name}`;
      const sorted = (objects: Obj[]) => [...objects].sort((a, b) => key(a).localeCompare(key(b)));
      // Where kubectl is installed this compares the two; without it render() is renderByHand and they agree trivially.
      expect(sorted(byHand)).toEqual(sorted(render(dir)));
    }
  });

  it('renders with kustomize into the objects the deployment needs, every manifest file in a kustomization', () => {
    const names = (objects: Obj[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(names(app)).toEqual(
      [
        'ConfigMap/tandem-config',
        'Deployment/tandem-api',
        'Deployment/tandem-worker-general',
        'Deployment/tandem-worker-matching',
        'HorizontalPodAutoscaler/tandem-api',
        'Namespace/tandem',
        'PodDisruptionBudget/tandem-api',
        'PodDisruptionBudget/tandem-worker-general',
        'PodDisruptionBudget/tandem-worker-matching',
        'ScaledObject/tandem-worker-general',
        'ScaledObject/tandem-worker-matching',
        'Service/tandem-api',
      ].sort(),
    );
    expect(names(migrate)).toEqual(['ConfigMap/tandem-config', 'Job/tandem-migrate', 'Namespace/tandem']);
    for (const o of all)
      if (o.kind !== 'Namespace')
        expect(`${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`).toBe(
          `${o.kind}/${o.metadata.name} in tandem`,
        );

    // Each YAML file is listed by the kustomization of its folder, or is the Secret's example (applied by no one).
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.ya?ml$/.test(entry)) files.push(relative(K8S, path));
      }
    };
    walk(K8S);
    const listed = new Set<string>();
    for (const file of files.filter((f) => f.endsWith('kustomization.yaml'))) {
      const kustomization = parseYaml(readFileSync(join(K8S, file), 'utf8')) as Obj;
      const dir = file.replace(/\/?kustomization\.yaml$/, '');
      for (const resource of kustomization.resources ?? []) listed.add(join(dir, resource));
    }
    const orphans = files.filter(
      (f) => !f.endsWith('kustomization.yaml') && f !== 'secret.example.yaml' && !listed.has(f),
    );
    expect(orphans).toEqual([]);
  });

  it('validates every object against the Kubernetes API schemas, and the check catches a wrong field', () => {
    const builtIn = [...all, secretExample].filter((o) => o.kind !== 'ScaledObject');
    const results = schemaErrors(builtIn);
    expect(results.filter((r) => r.error !== null)).toEqual([]);
    expect(results).toHaveLength(builtIn.length);

    // The same check refuses a Deployment whose port is a word and a ConfigMap value that is not a string.
    const broken = structuredClone(deployments.find((d) => d.metadata.name === 'tandem-api')!);
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    const refused = schemaErrors([broken, { ...configMap, data: { PORT: 3000 } }]);
    expect(refused.map((r) => r.error)).toEqual([
      expect.stringContaining('containerPort must be integer'),
      expect.stringContaining('must be string'),
    ]);
  });

  it('runs the image the Dockerfile builds, by the commands package.json runs, as its non-root user', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    const image = parseYaml(readFileSync(join(K8S, 'image', 'kustomization.yaml'), 'utf8')).images[0];
    for (const { name, pod } of templates) {
      for (const container of containersOf(pod)) {
        // kustomize replaced the placeholder `tandem` with the images: entry.
        expect(`${name}: ${container.image}`).toBe(`${name}: ${image.newName}:${image.newTag}`);
        expect(container.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
      }
      // The node user of the node images is uid 1000; a number, so the kubelet can check runAsNonRoot.
      expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 });
      expect(pod.spec.automountServiceAccountToken).toBe(false);
    }
    const command = (name: string) => templates.find((t) => t.name === name)!.pod.spec.containers[0].command;
    expect(command('tandem-api')).toEqual(commandOf(scripts['start:api']));
    expect(command('tandem-worker-matching')).toEqual(commandOf(scripts['start:worker']));
    expect(command('tandem-worker-general')).toEqual(commandOf(scripts['start:worker']));
    expect(command('tandem-migrate')).toEqual([...commandOf(scripts.cli), 'db:migrate']);
    expect(scripts.setup).toContain(`${scripts.cli.trim()} db:migrate`);
  });

  it('gives every container CPU and memory requests and limits, no request above its limit', () => {
    const quantity = (value: string | number): number => {
      const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi)?$/.exec(String(value));
      if (!match) throw new Error(`unreadable quantity ${value}`);
      const scale: Record<string, number> = { m: 0.001, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };
      return Number(match[1]) * (match[2] ? scale[match[2]] : 1);
    };
    for (const { name, pod } of templates) {
      for (const container of containersOf(pod)) {
        for (const resource of ['cpu', 'memory']) {
          const request = container.resources?.requests?.[resource];
          const limit = container.resources?.limits?.[resource];
          expect(`${name}/${container.name} ${resource}: ${request !== undefined} ${limit !== undefined}`).toBe(
            `${name}/${container.name} ${resource}: true true`,
          );
          expect(quantity(request)).toBeLessThanOrEqual(quantity(limit));
        }
      }
    }
  });

  it('probes the api on /ready and /health at the port it listens on, behind a Service', () => {
    const api = deployments.find((d) => d.metadata.name === 'tandem-api')!.spec.template;
    const [container] = api.spec.containers;
    const port = container.ports.find((p: Obj) => p.name === container.readinessProbe.httpGet.port);
    expect(port.containerPort).toBe(loadConfig(envOf(container)).port);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: port.name });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: port.name });
    expect(container.startupProbe.httpGet).toEqual({ path: '/health', port: port.name });
    const service = of(app, 'Service')[0];
    expect(api.metadata.labels).toMatchObject(service.spec.selector);
    expect(service.spec.ports[0].targetPort).toBe(port.name);
  });

  it('gives every pod a grace period above its preStop pause plus SHUTDOWN_GRACE, the api a pause before SIGTERM', () => {
    for (const { name, owner, pod } of templates) {
      if (owner.kind === 'Job') continue;
      const [container] = pod.spec.containers;
      const grace = loadConfig(envOf(container)).shutdownGraceMs;
      const preStop = container.lifecycle?.preStop?.exec?.command as string[] | undefined;
      const pauseMs = preStop ? Number(preStop[1]) * 1000 : 0;
      if (preStop) expect(preStop[0]).toBe('sleep');
      // The kubelet counts the grace period from the start of preStop; at least 2 s are left for the exit.
      expect(`${name}: ${pod.spec.terminationGracePeriodSeconds * 1000 - pauseMs - grace >= 2000}`).toBe(
        `${name}: true`,
      );
    }
    const api = deployments.find((d) => d.metadata.name === 'tandem-api')!.spec.template.spec.containers[0];
    expect(Number(api.lifecycle.preStop.exec.command[1])).toBeGreaterThanOrEqual(3);
  });

  it('takes every secret from the Secret the example describes, and sets only variables Tandem knows, which it accepts', () => {
    const known = knownVariables();
    expect([...known]).toEqual(
      expect.arrayContaining([
        'DATABASE_URL',
        'REDIS_URL',
        'APP_SECRET',
        'SMTP_URL',
        'SHUTDOWN_GRACE',
        'WORKER_QUEUES',
      ]),
    );
    expect(Object.keys(configMap.data).filter((key) => !known.has(key))).toEqual([]);
    const secretKeys = new Set(Object.keys(secretExample.stringData));
    expect([...secretKeys].sort()).toEqual(['APP_SECRET', 'DATABASE_URL', 'REDIS_URL', 'SMTP_URL']);
    for (const secret of secretKeys) expect(configMap.data[secret]).toBeUndefined();
    for (const { name, pod } of templates) {
      for (const container of containersOf(pod)) {
        for (const item of container.env ?? []) {
          expect(`${name}: ${item.name} known ${known.has(item.name)}`).toBe(`${name}: ${item.name} known true`);
          const ref = item.valueFrom?.secretKeyRef;
          if (ref)
            expect(`${name}: ${ref.name}/${ref.key} ${secretKeys.has(ref.key)}`).toBe(
              `${name}: ${secretExample.metadata.name}/${ref.key} true`,
            );
          else
            expect(`${name}: ${item.name} is a secret: ${secretKeys.has(item.name)}`).toBe(
              `${name}: ${item.name} is a secret: false`,
            );
        }
        for (const source of container.envFrom ?? [])
          expect(source).toEqual({ configMapRef: { name: configMap.metadata.name } });
        // Tandem boots on this environment (it refuses a production one without APP_SECRET, a bad URL, ...).
        const config = loadConfig(envOf(container));
        expect(config.env).toBe('production');
      }
    }
  });

  it('splits the queues between the worker groups, each queue served by exactly one', () => {
    const served = deployments
      .filter((d) => d.metadata.name.startsWith('tandem-worker-'))
      .flatMap((d) => loadConfig(envOf(d.spec.template.spec.containers[0])).workerQueues);
    expect([...served].sort()).toEqual([...QUEUE_NAMES].sort());
    const matching = deployments.find((d) => d.metadata.name === 'tandem-worker-matching')!.spec.template.spec
      .containers[0];
    expect(loadConfig(envOf(matching))).toMatchObject({ workerQueues: ['matching'], workerConcurrency: 1 });
  });

  it('covers every Deployment with a PodDisruptionBudget and scales each by an autoscaler that owns its replicas', () => {
    const pdbs = of(app, 'PodDisruptionBudget');
    for (const deployment of deployments) {
      const labels = deployment.spec.template.metadata.labels;
      const covering = pdbs.filter((p) =>
        Object.entries(p.spec.selector.matchLabels).every(([k, v]) => labels[k] === v),
      );
      expect(`${deployment.metadata.name}: ${covering.length}`).toBe(`${deployment.metadata.name}: 1`);
      const [budget] = covering;
      expect(budget.spec.minAvailable === 1 || budget.spec.maxUnavailable === 1).toBe(true);
      // An autoscaler sets the replicas; a spec.replicas would be reset by every apply.
      expect(`${deployment.metadata.name}: ${deployment.spec.replicas}`).toBe(`${deployment.metadata.name}: undefined`);
    }
    const [hpa] = of(app, 'HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'tandem-api' });
    expect(hpa.spec.metrics).toEqual([
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expect.any(Number) } },
      },
    ]);
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    const scaled = of(app, 'ScaledObject').map((s) => s.spec.scaleTargetRef.name);
    const workers = deployments.map((d) => d.metadata.name).filter((n) => n !== 'tandem-api');
    expect([...scaled, hpa.spec.scaleTargetRef.name].sort()).toEqual([...workers, 'tandem-api'].sort());
  });

  it('scales each worker group with a KEDA ScaledObject on tandem_queue_jobs of exactly its queues', () => {
    // A CRD, so no schema of the Kubernetes API: its shape as KEDA's keda.sh/v1alpha1 documents it.
    const metric = readFileSync(join(ROOT, 'apps', 'api', 'src', 'ops', 'metrics.service.ts'), 'utf8');
    expect(metric).toContain(`name: 'tandem_queue_jobs'`);
    expect(metric).toContain(`labelNames: ['queue', 'state']`);
    for (const scaled of of(app, 'ScaledObject')) {
      expect(scaled.apiVersion).toBe('keda.sh/v1alpha1');
      const target = deployments.find((d) => d.metadata.name === scaled.spec.scaleTargetRef.name);
      if (!target)
        throw new Error(
          `${scaled.metadata.name} scales ${scaled.spec.scaleTargetRef.name}, which is no Deployment of the manifests`,
        );
      expect(scaled.spec.scaleTargetRef.kind ?? 'Deployment').toBe('Deployment');
      expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
      expect(scaled.spec.maxReplicaCount).toBeGreaterThan(scaled.spec.minReplicaCount);
      expect(scaled.spec.triggers).toHaveLength(1);
      const [trigger] = scaled.spec.triggers;
      expect(trigger.type).toBe('prometheus');
      expect(new URL(trigger.metadata.serverAddress).protocol).toMatch(/^https?:$/);
      expect(Number(trigger.metadata.threshold)).toBeGreaterThan(0);
      expect(typeof trigger.metadata.threshold).toBe('string');
      const query: string = trigger.metadata.query;
      expect(query).toMatch(/\btandem_queue_jobs\{/);
      // The queue label names the worker's own queues, so one group's backlog never scales another.
      const selector = /queue=~?"([^"]+)"/.exec(query)![1];
      const queues = loadConfig(envOf(target.spec.template.spec.containers[0])).workerQueues;
      expect(selector.split('|').sort()).toEqual([...queues].sort());
      const states = /state=~?"([^"]+)"/.exec(query)![1].split('|');
      for (const state of states)
        expect(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']).toContain(state);
    }
  });
});
