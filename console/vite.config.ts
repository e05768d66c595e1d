// Built into unionhub/static/console/ (committed: `make up` on a machine without Node serves
// it), under the /console/ base the server mounts it at.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  base: '/console/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: '../unionhub/static/console',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
  },
  server: { proxy: { '/graphql': 'http://127.0.0.1:8000', '/ready': 'http://127.0.0.1:8000' } },
  test: { include: ['tests/**/*.test.ts'], environment: 'node' },
});
