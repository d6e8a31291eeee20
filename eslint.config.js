// Lint for the whole tree. Besides the usual TypeScript and React-hooks rules, it keeps
// the layers of docs/architecture.md: code that runs in one place (browser, Node, the
// Electron shell) may only import from the layers it can run with.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Layers by folder, most specific first (a file belongs to the first that matches). */
const LAYER_FOLDERS = {
  shell: 'app/main/electron/**',
  cli: 'app/main/cli/**',
  serve: 'app/main/serve/**',
  agent: 'app/main/agent/**',
  service: 'app/main/service/**',
  main: 'app/main/**',
  common: 'app/common/**',
  preload: 'app/preload/**',
  renderer: 'app/renderer/**',
  native: 'native/**',
  tooling: '{test,bench,scripts,bin}/**',
};

/**
 * Who may import whom. In the main process the faces (CLI, serve, the Electron shell) sit
 * on the service, which sits on the Node services (readers, sampler, migrator); no face
 * imports another. Tests, benchmarks and scripts may import anything.
 */
const MAIN_CORE = ['main', 'common', 'native'];
const ALLOWED = {
  common: ['common'],
  native: ['native', 'common'],
  main: MAIN_CORE,
  service: ['service', ...MAIN_CORE],
  serve: ['serve', 'service', ...MAIN_CORE],
  // The agent's pieces: the socket's place and its checks, and RemoteService, the client
  // side that the shell uses in place of the in-process service.
  agent: ['agent', 'service', ...MAIN_CORE],
  cli: ['cli', 'serve', 'service', 'agent', ...MAIN_CORE],
  shell: ['shell', 'service', 'agent', ...MAIN_CORE],
  preload: ['preload', 'common'],
  renderer: ['renderer', 'common'],
  tooling: ['tooling', 'common', 'main', 'service', 'serve', 'agent', 'cli', 'shell', 'native', 'renderer', 'preload'],
};

const electronOnlyInShell = {
  paths: [{ name: 'electron', message: 'Only app/main/electron/ and app/preload/ import electron (the thin shell).' }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', '.cache/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', electronOnlyInShell],
    },
  },
  {
    files: ['app/main/electron/**', 'app/preload/**', 'test/**', 'scripts/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['app/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': Object.entries(LAYER_FOLDERS).map(([type, pattern]) => ({ type, pattern, partialMatch: false })),
      'boundaries/include': ['app/**', 'native/**', 'test/**', 'bench/**', 'scripts/**', 'bin/**'],
      'import/resolver': {
        typescript: { project: ['tsconfig.json', 'app/renderer/tsconfig.json', 'app/preload/tsconfig.json'], noWarnOnMultipleProjects: true },
        node: true,
      },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            ...Object.entries(ALLOWED).map(([from, to]) => ({
              from: { element: { type: from } },
              allow: { to: { element: { types: { anyOf: to } } } },
            })),
            { allow: { to: { module: { origin: 'external' } } } },
            { allow: { to: { module: { origin: 'core' } } } },
          ],
        },
      ],
      'boundaries/no-unknown-files': 'error',
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    // Plain JavaScript here is Node scripts: Node's globals are defined.
    languageOptions: {
      globals: Object.fromEntries(
        ['process', 'console', 'URL', 'Buffer', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'fetch', 'AbortController', 'AbortSignal', 'TextDecoder', 'TextEncoder'].map((name) => [name, 'readonly']),
      ),
    },
  },
);
