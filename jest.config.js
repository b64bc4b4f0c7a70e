/** One jest run over unit, integration and end-to-end tests; each test file gets its own database and Redis prefix. */
const libs = ['config', 'domain', 'queues', 'mail', 'workflows', 'matching', 'observability'];
const moduleNameMapper = {};
for (const lib of libs) {
  moduleNameMapper[`^@tandem/${lib}$`] = `<rootDir>/libs/${lib}/src`;
  moduleNameMapper[`^@tandem/${lib}/(.*)$`] = `<rootDir>/libs/${lib}/src/$1`;
}
// The worker's module, for the cli that hosts a worker in its own process (`demo`).
moduleNameMapper['^@tandem/worker$'] = '<rootDir>/apps/worker/src/worker.module';
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e.test.ts', '**/*.fault.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleNameMapper,
  testTimeout: 60000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
