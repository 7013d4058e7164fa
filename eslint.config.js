import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    // Layering: domain code holds the rules and never reaches up into handlers or down into AWS SDKs directly.
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', '**/functions/*', '**/http/*'] }],
    },
  },
  {
    // The Console is a client of the public API: it shares nothing with the service but the generated types.
    files: ['console/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/shared/*', '**/functions/*', '**/local/*', '@aws-sdk/*'] }],
    },
  },
  {
    files: ['shared/data/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/domain/*', '**/functions/*', '**/http/*'] }],
    },
  },
);
