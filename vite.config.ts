/**
 * Vite build of the renderer (src-renderer → dist/renderer). The three
 * Cornerstone settings below were each found by failing first; see
 * shared/design/ui-stack.md §3.2 before changing them.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const loaderDeps = [
  'dicom-parser',
  '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
  '@cornerstonejs/codec-charls/decodewasmjs',
  '@cornerstonejs/codec-openjpeg/decodewasmjs',
  '@cornerstonejs/codec-openjph/wasmjs',
  '@cornerstonejs/codec-libjxl/decodewasmjs',
  '@cornerstonejs/jpeg-lossless-decoder-js',
].map((dep) => `@cornerstonejs/dicom-image-loader > ${dep}`);

export default defineConfig({
  root: fileURLToPath(new URL('./src-renderer', import.meta.url)),
  base: './',
  plugins: [vue()],
  resolve: {
    // vtk.js (through xmlbuilder2) extends Node's EventEmitter; without this alias the app dies at import.
    alias: { events: fileURLToPath(new URL('./node_modules/events/events.js', import.meta.url)) },
  },
  optimizeDeps: {
    // Keep the loader's module worker URL intact, pre-bundle its CommonJS deps, and keep one metadata registry.
    exclude: ['@cornerstonejs/dicom-image-loader'],
    include: [...loaderDeps, 'pako', 'uuid', 'comlink', '@cornerstonejs/core', '@cornerstonejs/tools', '@cornerstonejs/metadata', '@cornerstonejs/utils'],
  },
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
    target: 'es2022',
  },
});
