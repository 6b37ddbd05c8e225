import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import vueI18n from '@intlify/eslint-plugin-vue-i18n';

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', '.tmp/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // Network text is never rendered as HTML.
      'vue/no-v-html': 'error',
    },
  },
  {
    // Every user-facing word goes through the catalogs (src/renderer/src/locales/<language>/, English first): a
    // literal sentence in a template, or a key no catalog has, fails lint.
    files: ['src/renderer/**/*.vue', 'src/renderer/**/*.ts'],
    plugins: { '@intlify/vue-i18n': vueI18n },
    settings: {
      'vue-i18n': {
        localeDir: {
          pattern: './src/renderer/src/locales/*/*.json',
          localeKey: 'path',
          localePattern: /^.*\/(?<locale>[A-Za-z0-9-]+)\/[^/]+\.json$/,
        },
        messageSyntaxVersion: '^11.0.0',
      },
    },
    rules: {
      '@intlify/vue-i18n/no-raw-text': [
        'error',
        {
          // Text and the attributes people read or hear; the props that carry words into a dialog.
          attributes: {
            '/.+/': ['title', 'aria-label', 'aria-description', 'placeholder', 'alt', 'label', 'note'],
            '/Dialog$/': ['action', 'busy-label', 'cancel'],
          },
          // Punctuation, symbols and numbers alone say nothing in a language.
          ignorePattern: '^[\\s\\d\\p{P}\\p{S}×]*$',
          // The product's name and example addresses are the same in every language.
          ignoreText: ['Jabberwock', 'name@example.org', 'xmpp.example.org', 'room@conference.example.org'],
        },
      ],
      '@intlify/vue-i18n/no-missing-keys': 'error',
    },
  },
  {
    // The core and the contract run under plain Node and in the renderer: never Electron.
    files: ['src/main/core/**', 'src/shared/**', 'src/main/bridge/**', 'src/main/web.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The core must not depend on Electron; put this in src/main/shell.' }],
          patterns: [{ group: ['electron/*'], message: 'The core must not depend on Electron.' }],
        },
      ],
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'src/shared is used by the renderer too.' }],
          patterns: [
            { group: ['node:*', 'electron/*'], message: 'src/shared must not import Node or Electron modules.' },
          ],
        },
      ],
    },
  },
  {
    // No module imports itself through others: a cycle makes the load order decide what is undefined.
    // (import-x skips `import type`; tests/unit/import-graph.test.ts refuses type-only cycles too.)
    files: ['src/**/*.ts', 'src/**/*.vue'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.vue', '.js', '.mjs', '.json'] })],
      // The modules whose imports are followed (a .vue file's script is not read).
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: { 'import-x/no-cycle': 'error' },
  },
  prettier,
);
