import { dirname, join } from 'node:path';
import type { Tracing } from '@tandem/observability';

/** The copies of a package this repository installs (MikroORM brings a pg of its own beside the top-level one). */
function packageDirs(name: string): string[] {
  if (name === 'http' || name === 'https') return [name];
  const from = [join(__dirname, '..', '..'), dirname(require.resolve('@mikro-orm/postgresql/package.json'))];
  const dirs = new Set<string>();
  for (const path of from) {
    try {
      dirs.add(dirname(require.resolve(`${name}/package.json`, { paths: [path] })));
    } catch {
      // not installed there
    }
  }
  return [...dirs];
}

/**
 * In a process started by node, the instrumentations patch http, pg and ioredis as they are first required
 * (require-in-the-middle). jest loads every module through its own registry, which that hook never sees, so a test
 * that traces in-process applies the same patches to the copies its registry loaded: the instrumentations' own
 * module definitions, as require-in-the-middle would call them.
 */
export function instrumentJestModules(tracing: Tracing): void {
  // The copies jest's registry holds are what require answers here; an import could not name them by path.
  /* eslint-disable @typescript-eslint/no-require-imports */
  for (const instrumentation of tracing.instrumentations) {
    for (const definition of instrumentation.getModuleDefinitions()) {
      for (const dir of packageDirs(definition.name)) {
        const version =
          dir === 'http' || dir === 'https'
            ? process.versions.node
            : (require(join(dir, 'package.json')) as { version: string }).version;
        const exports: unknown = require(dir);
        definition.patch?.(exports, version);
        for (const file of definition.files) {
          let fileExports: unknown;
          try {
            fileExports = require(join(dirname(dir), file.name));
          } catch {
            continue; // pg's native client, without pg-native installed
          }
          file.patch(fileExports, version);
        }
      }
    }
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}
