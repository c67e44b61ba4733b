import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersRule } from './tooling/lint/layers.js';

export default tseslint.config(
  {
    ignores: ['node_modules/', '**/node_modules/', 'docs/build/', 'docs/.docusaurus/', '.soma/', 'sdk/python/', 'sdk/typescript/dist/', 'docs/', 'examples/**/node_modules/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', performance: 'readonly', fetch: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', Headers: 'readonly', Response: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The layers of docs/docs/architecture.md: an import that reaches across them fails `npm test`.
    plugins: { soma: { rules: { layers: layersRule } } },
    rules: { 'soma/layers': 'error' },
  },
  {
    // Tests read loosely-typed JSON bodies from the API under test.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
