/**
 * Builds the browser pages (the GraphQL IDE and the event explorer) into
 * dist/web. Run by `npm install` (postinstall) and `npm run build`; the server
 * serves the output (src/server/web.ts). Everything is bundled: no CDN.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  // Assets are served under /web/assets/ (the pages themselves at /graphql and /explorer).
  base: '/web/',
  logLevel: 'warn',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: join(here, '..', 'dist', 'web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Monaco (GraphiQL's editor) is large; the server sends it once and the browser keeps it.
    chunkSizeWarningLimit: 6000,
    rollupOptions: {
      // React libraries mark client modules with "use client", which means nothing in a plain bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      input: {
        ide: join(here, 'ide', 'index.html'),
        explorer: join(here, 'explorer', 'index.html'),
      },
    },
  },
});
