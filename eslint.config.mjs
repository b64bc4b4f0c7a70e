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
  {
    // libs/matching is pure, deterministic TypeScript: no framework, ORM, queue or I/O imports.
    files: ['libs/matching/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', '@mikro-orm/*', 'bullmq', 'ioredis', 'fastify', 'nodemailer'], message: 'libs/matching is framework-free.' },
            { group: ['@tandem/*', '../../*'], message: 'libs/matching depends on no other Tandem module.' },
            { group: ['fs', 'node:fs', 'fs/*', 'node:fs/*', 'net', 'node:net', 'http', 'node:http', 'child_process', 'node:child_process'], message: 'libs/matching does no I/O.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'Date', message: 'Pass a clock in: libs/matching is deterministic.' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Pass randomness in: libs/matching is deterministic.' }],
    },
  },
);
