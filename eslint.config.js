// The layering of ARCHITECTURE.md, enforced: I/O libraries only in adapters (client side) and the
// sandbox (server side); the two never import each other; the domain imports nothing with I/O.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioLibs = ['axios', 'ssh2', 'tar', '@inquirer/*', 'http-cookie-agent', 'tough-cookie', 'selfsigned', '@huaweicloud/*'];
const ioPatterns = ioLibs.map((name) => ({ group: [name, `${name}/*`], message: 'I/O libraries belong in src/adapters/ (client) or src/sandbox/ (server).' }));
// src/zod.ts configures zod before any schema exists; importing 'zod' directly could build one first.
const zodPattern = { group: ['zod', 'zod/*', '**/zod-api.js'], allowTypeImports: true, message: 'import { z } from src/zod.ts (it configures zod once for the program).' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.mrs-trust/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      complexity: ['error', 15],
      'max-lines': ['warn', { max: 300, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/adapters/**', 'src/sandbox/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...ioPatterns, zodPattern] }] },
  },
  {
    files: ['src/zod.ts', 'src/zod-api.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ioPatterns }] },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...ioPatterns, zodPattern,
        { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http', 'https'], message: 'src/domain/ is pure: no I/O.' },
        { group: ['**/adapters/**', '**/workflow/**', '**/cli/**', '**/config/**', '**/sandbox/**'], message: 'src/domain/ imports nothing above it.' }] }],
    },
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [zodPattern, { group: ['**/sandbox/**'], message: 'Adapters and the sandbox share only src/wire/.' }] }] },
  },
  {
    files: ['src/sandbox/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [zodPattern, { group: ['**/adapters/**', '**/workflow/**', '**/cli/**'], message: 'The sandbox shares only src/wire/ (and pure domain) with the tool.' }] }] },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.{ts,mjs}', 'scripts/**/*.mjs', '*.config.*'],
    rules: { 'max-lines': 'off', complexity: 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(['process', 'console', 'URL', 'Buffer', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'AbortController', 'performance'].map((g) => [g, 'readonly'])),
    },
  },
);
