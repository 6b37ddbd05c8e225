import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

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
    },
    plugins: [vue()],
  },
});
