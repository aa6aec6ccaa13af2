// Bundles the Node side (src-main) with esbuild into dist/main: the CLI, the
// Electron main process (ESM) and its preload (CommonJS, as a sandboxed preload
// must be), and worker entry points. Native packages stay external.
import { build } from 'esbuild';
import fs from 'node:fs';

const external = ['electron', 'better-sqlite3', 'onnxruntime-node', 'dicom-parser', 'pdf-lib', '@pdf-lib/fontkit', 'pngjs', 'zod', '@cornerstonejs/*'];
const common = { bundle: true, platform: 'node', target: 'node22', sourcemap: 'linked', external, logLevel: 'warning' };

const entries = {
  cli: 'src-main/cli/main.ts',
  'electron-main': 'src-main/electron/main.ts',
};
// Worker entry points register themselves by living in a `*.worker.ts` file.
for (const dir of ['src-main/core']) {
  for (const file of fs.readdirSync(dir, { recursive: true })) {
    const name = String(file);
    if (name.endsWith('.worker.ts')) entries[name.split('/').pop().replace(/\.ts$/, '')] = `${dir}/${name}`;
  }
}

// ESM with code splitting: the CLI loads a command's code (and its heavy packages) only when it runs.
// Chunks stay in dist/main beside the entries: workers are found next to the module that starts them.
await build({
  ...common,
  entryPoints: entries,
  outdir: 'dist/main',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunk-[name]-[hash]',
  outExtension: { '.js': '.js' },
  banner: { js: "import { createRequire as __clipscanRequire } from 'node:module'; const require = __clipscanRequire(import.meta.url);" },
});
await build({
  ...common,
  entryPoints: { 'electron-preload': 'src-main/electron/preload.ts' },
  outdir: 'dist/main',
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
});
console.log('built dist/main');
