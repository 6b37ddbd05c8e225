import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';
import { compiledCatalog } from './src/renderer/src/i18n/precompile';

/**
 * The renderer's entry asks the core for the snapshot first and then imports the app (src/boot.ts).
 * This makes the page fetch the app's chunk and its styles while the HTML is parsed, not only once
 * the entry runs: they are in when the snapshot arrives, instead of queuing behind it.
 */
function preloadApp(): Plugin {
  return {
    name: 'jabberwock-preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, context) {
        // boot.ts shares its chunk with the modules only it imports, so it is not always its facade.
        const chunk = Object.values(context.bundle ?? {}).find(
          (output) =>
            output.type === 'chunk' && output.moduleIds.some((id) => id.endsWith('/src/renderer/src/boot.ts')),
        );
        if (!chunk) throw new Error('preloadApp: no chunk holds src/renderer/src/boot.ts');
        // The app's styles are fetched from the start too, as a preload: a stylesheet link would
        // hold the entry script back until it has loaded (boot.ts applies them before it mounts).
        const styles = [...(chunk.type === 'chunk' ? (chunk.viteMetadata?.importedCss ?? []) : [])].map((file) => ({
          tag: 'link',
          attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `./${file}` },
          injectTo: 'head' as const,
        }));
        return [
          {
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `./${chunk.fileName}` },
            injectTo: 'head',
          },
          ...styles,
        ];
      },
    },
  };
}

/**
 * Every catalog (src/renderer/src/locales/<language>/<domain>.json) compiled at build time: each
 * message becomes the tree vue-i18n's runtime formats, still JSON, so Vite's JSON import (and the
 * other languages' lazy chunks) work as before. The first screen then compiles no message.
 */
function precompiledMessages(): Plugin {
  const catalog = /\/src\/renderer\/src\/locales\/[^/]+\/[^/]+\.json$/;
  return {
    name: 'jabberwock-precompiled-messages',
    enforce: 'pre',
    transform(code, id) {
      if (!catalog.test(id)) return null;
      return { code: JSON.stringify(compiledCatalog(JSON.parse(code), id)), map: null };
    },
  };
}

export default defineConfig({
  main: {
    build: {
      // Node packages (better-sqlite3, @xmpp/*) stay in node_modules and are required at run time.
      externalizeDeps: true,
      rollupOptions: {
        input: {
          // The Electron entry, the browser bridge entry and the headless bench client (plain Node).
          index: resolve(__dirname, 'src/main/index.ts'),
          web: resolve(__dirname, 'src/main/web.ts'),
          headless: resolve(__dirname, 'src/main/headless.ts'),
        },
        // @xmpp/* are ES modules whose default export must be unwrapped when required from CJS.
        output: { interop: 'auto' },
      },
    },
  },
  preload: {
    build: {
      // One self-contained CommonJS file: a sandboxed renderer can only load that.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') },
      // electron-vite leaves the renderer unminified; the app's chunk is fetched, parsed and compiled
      // before the first paint, and whitespace and long local names cost time there.
      // JW_UNMINIFIED=1 keeps the names, for reading a CPU profile.
      minify: process.env.JW_UNMINIFIED ? false : 'esbuild',
    },
    plugins: [precompiledMessages(), vue(), preloadApp()],
    // The catalogs come compiled (precompiledMessages): vue-i18n's runtime-only build, without the compiler.
    resolve: { alias: [{ find: /^vue-i18n$/, replacement: 'vue-i18n/dist/vue-i18n.runtime.mjs' }] },
    // vue-i18n: the composition API only, no devtools hooks, no message compiler (smaller and faster).
    define: {
      __VUE_I18N_FULL_INSTALL__: true,
      __VUE_I18N_LEGACY_API__: false,
      __INTLIFY_PROD_DEVTOOLS__: false,
      __INTLIFY_DROP_MESSAGE_COMPILER__: true,
    },
  },
});
