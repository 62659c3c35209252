import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const here = dirname(fileURLToPath(import.meta.url))

// Preact through esbuild's automatic JSX runtime: no framework plugin needed.
export default defineConfig({
  root: here,
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  build: {
    outDir: resolve(here, '../dist'),
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      '/v1': 'http://127.0.0.1:3000',
      '/.well-known': 'http://127.0.0.1:3000',
      '/credentials': 'http://127.0.0.1:3000',
      '/presentations': 'http://127.0.0.1:3000',
      '/status-lists': 'http://127.0.0.1:3000',
      '/gateway': 'http://127.0.0.1:3000',
    },
  },
})
