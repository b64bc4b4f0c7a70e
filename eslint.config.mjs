// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  ...importRules(),
);

/**
 * The layering, checked on every file: apps -> workflows -> mail -> domain, queues, observability -> matching, config.
 * A library imports only the libraries below it, through their `@tandem/<lib>` alias; no library imports an app; no
 * package reaches into another by a relative path (`../../../worker/src/...`): the cli hosts the worker through
 * `@tandem/worker`. Inside libs/workflows, a feature folder does not import the folders that build on it.
 */
function importRules() {
  /** What each library may import (besides itself); apps may import every library. */
  const layers = {
    config: [],
    matching: [],
    domain: ['config', 'matching'],
    queues: ['config', 'matching'],
    observability: ['config', 'matching'],
    mail: ['config', 'matching', 'domain', 'queues', 'observability'],
    workflows: ['config', 'matching', 'domain', 'queues', 'observability', 'mail'],
  };
  const libs = Object.keys(layers);
  const alias = (names) => names.flatMap((name) => [`@tandem/${name}`, `@tandem/${name}/*`]);
  const acrossPackages = {
    regex: '^\\.{1,2}/(.*/)?(src|apps|libs)(/|$)',
    message: 'Import another package through its @tandem/<name> alias, not by a relative path.',
  };
  const restrict = (...patterns) => ({
    'no-restricted-imports': ['error', { patterns: patterns.filter((p) => !p.group || p.group.length > 0) }],
  });
  const libRules = (lib) => [
    acrossPackages,
    {
      group: alias(libs.filter((other) => other !== lib && !layers[lib].includes(other))),
      message: `libs/${lib} ${layers[lib].length ? `may import only ${layers[lib].map((l) => `@tandem/${l}`).join(', ')}` : 'imports no other Tandem library'} (docs/architecture.md, Libraries and their layering).`,
    },
    { group: alias(['worker', 'api', 'cli']), message: 'A library never imports an app.' },
  ];
  const matchingRules = [
    { group: ['@tandem/*', '../../*'], message: 'libs/matching depends on no other Tandem module.' },
    {
      group: ['@nestjs/*', '@mikro-orm/*', 'bullmq', 'ioredis', 'fastify', 'nodemailer'],
      message: 'libs/matching is framework-free.',
    },
    {
      group: [
        'fs',
        'node:fs',
        'fs/*',
        'node:fs/*',
        'net',
        'node:net',
        'http',
        'node:http',
        'child_process',
        'node:child_process',
      ],
      message: 'libs/matching does no I/O.',
    },
  ];
  /**
   * The feature folders of libs/workflows, each building only on those before it: a folder never imports one that comes
   * later, so no two features import each other, directly or round a loop (docs/architecture.md, Feature folders).
   */
  const featureOrder = [
    'organizations',
    'programs',
    'webhooks',
    'cadence',
    'pairing',
    'risk',
    'completion',
    'feedback',
    'report',
    'rounds',
    'intake',
    'invitations',
    'privacy',
    'console',
    'participants',
    'scim',
    'maintenance',
  ];
  const features = Object.fromEntries(featureOrder.map((folder, i) => [folder, featureOrder.slice(i + 1)]));
  return [
    { files: ['apps/**/*.ts'], rules: restrict(acrossPackages) },
    ...libs
      .filter((lib) => lib !== 'matching')
      .map((lib) => ({ files: [`libs/${lib}/**/*.ts`], rules: restrict(...libRules(lib)) })),
    ...Object.entries(features).map(([folder, above]) => ({
      files: [`libs/workflows/src/${folder}/**/*.ts`],
      rules: restrict(...libRules('workflows'), {
        group: above.flatMap((f) => [`../${f}/*`, `../${f}`]),
        message: `libs/workflows/src/${folder} must not import ${above.join(', ')}: they build on it (no folder cycles).`,
      }),
    })),
    {
      // libs/matching is pure, deterministic TypeScript: no framework, ORM, queue or I/O imports.
      files: ['libs/matching/**/*.ts'],
      rules: {
        ...restrict(...libRules('matching'), ...matchingRules),
        'no-restricted-globals': [
          'error',
          { name: 'Date', message: 'Pass a clock in: libs/matching is deterministic.' },
        ],
        'no-restricted-properties': [
          'error',
          { object: 'Math', property: 'random', message: 'Pass randomness in: libs/matching is deterministic.' },
        ],
      },
    },
  ];
}
