/** One jest run over unit, integration and end-to-end tests; each test file gets its own database and Redis prefix. */
const libs = ['config', 'domain', 'queues', 'mail', 'workflows', 'matching', 'observability'];
const moduleNameMapper = {};
for (const lib of libs) {
  moduleNameMapper[`^@tandem/${lib}$`] = `<rootDir>/libs/${lib}/src`;
  moduleNameMapper[`^@tandem/${lib}/(.*)$`] = `<rootDir>/libs/${lib}/src/$1`;
}
// The worker's module, for the cli that hosts a worker in its own process (`demo`).
moduleNameMapper['^@tandem/worker$'] = '<rootDir>/apps/worker/src/worker.module';
/** ES-module-only packages the api loads (openid-client and what it imports). */
const ESM_PACKAGES = ['openid-client', 'oauth4webapi', 'jose'];
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e.test.ts', '**/*.fault.test.ts'],
  // openid-client and its two dependencies are ESM only. The built app loads them with require() (Node 20.19+ loads
  // ES modules that way); jest's CommonJS runtime cannot, so it transpiles those three packages to CommonJS.
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
    [`^.+/node_modules/(${ESM_PACKAGES.join('|')})/.+\\.js$`]: [
      'ts-jest',
      { tsconfig: { allowJs: true, isolatedModules: true, module: 'commonjs', target: 'ES2022' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper,
  testTimeout: 60000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
