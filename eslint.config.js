// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Pure cores (allocators/ and every reconcile.ts) take a snapshot and return a plan: they may not
 * reach for a client, a timer, a clock, randomness or a logger. Those come in through parameters.
 */
const impureModules = [
  { name: '@kubernetes/client-node', message: 'Pure cores import no client; pass data in.' },
  { name: 'pino', message: 'Pure cores do not log; return what happened.' },
  { name: 'prom-client', message: 'Pure cores do not record metrics; return what happened.' },
  { name: 'node:timers', message: 'Pure cores use no timers; return requeueAfter instead.' },
  { name: 'node:timers/promises', message: 'Pure cores use no timers.' },
  { name: 'node:http', message: 'Pure cores do no I/O.' },
  { name: 'node:fs', message: 'Pure cores do no I/O.' },
];
const impurePatterns = [
  { group: ['**/controllers/runtime/**', '**/apiserver/**', '**/cmd/**'], message: 'Pure cores import no client, runtime or server code.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly',
        clearImmediate: 'readonly', Buffer: 'readonly', URL: 'readonly', URLSearchParams: 'readonly',
        AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly',
        TextDecoder: 'readonly', queueMicrotask: 'readonly', structuredClone: 'readonly',
        fetch: 'readonly', performance: 'readonly', globalThis: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['allocators/**/*.ts', '**/reconcile.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: impureModules, patterns: impurePatterns }],
      'no-restricted-globals': ['error',
        { name: 'setTimeout', message: 'Pure cores use no timers.' },
        { name: 'setInterval', message: 'Pure cores use no timers.' },
        { name: 'setImmediate', message: 'Pure cores use no timers.' },
        { name: 'console', message: 'Pure cores do not log.' },
        { name: 'fetch', message: 'Pure cores do no I/O.' },
        { name: 'performance', message: 'Pure cores read no clock; take now as input.' },
      ],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'Inject randomness (allocators/random.ts).' },
        { object: 'Date', property: 'now', message: 'Take now as input.' },
      ],
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Take now as input.' },
      ],
    },
  },
);
