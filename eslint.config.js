import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What no module under shared/ may import: the Lambda adapters, the local server and the CDK app sit above them all. */
const UPWARD_FROM_HTTP = ['**/functions/*', '**/local/*', '**/infra/*'];

const layerRules = (layers) => Object.entries(layers).map(([files, patterns]) => ({
  files: [files],
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message: `Layering (eslint.config.js): ${files} may not import this.` }] }] },
}));

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.roster-local/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The Console is a client of the public API: it shares nothing with the service but the generated types.
    files: ['console/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/shared/*', '**/functions/*', '**/local/*', '@aws-sdk/*'] }],
    },
  },
  // Layers, one direction: functions → shared/http → shared/domain → adapters (shared/data, shared/email,
  // shared/auth) → AWS SDK. Nothing imports upward; the modules directly in shared/ (clock, config, errors,
  // html, …) sit below every layer. test/unit/layers.test.ts shows each rule catching a violation.
  ...layerRules({
    'shared/*.ts': [...UPWARD_FROM_HTTP, '**/http/*', '**/domain/*', '**/data/*', '**/email/*', '**/auth/*'],
    'shared/http/**/*.ts': [...UPWARD_FROM_HTTP, '**/data/*', '@aws-sdk/*'],
    'shared/domain/**/*.ts': [...UPWARD_FROM_HTTP, '**/http/*', '@aws-sdk/*'],
    'shared/{data,email,auth}/**/*.ts': [...UPWARD_FROM_HTTP, '**/http/*', '**/domain/*'],
  }),
);
