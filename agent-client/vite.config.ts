import { defineConfig } from 'vite';

// Plain Vite + esbuild's JSX transform for Preact (no plugin needed).
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: 'dist', assetsDir: 'assets', sourcemap: false, target: 'es2020' },
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
});
