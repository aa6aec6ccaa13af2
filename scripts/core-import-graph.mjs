// Prints the import graph between the folders of src-main/core and checks it
// against the layer order written in eslint-rules/layering.js: every edge must
// run from a higher layer to a lower one (or stay inside one folder). Exits 1
// on an upward edge. `node scripts/core-import-graph.mjs [--json]`.
import fs from 'node:fs';
import path from 'node:path';
import { CORE_LAYERS, coreLayerOf } from '../eslint-rules/layering.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CORE = path.join(ROOT, 'src-main/core');
const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|mjs|js)$/.test(entry.name) ? [full] : [];
  });
}

const edges = new Map(); // "from -> to" => example file
for (const file of sourceFiles(CORE)) {
  const from = coreLayerOf(file);
  for (const match of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? match[3];
    if (!spec.startsWith('.')) continue;
    const to = coreLayerOf(path.resolve(path.dirname(file), spec));
    if (!to || to.folder === from.folder) continue;
    const key = `${from.folder} -> ${to.folder}`;
    if (!edges.has(key)) edges.set(key, { from, to, example: path.relative(ROOT, file) });
  }
}

const rows = [...edges.values()].sort((a, b) => b.from.rank - a.from.rank || a.from.folder.localeCompare(b.from.folder) || b.to.rank - a.to.rank);
const upward = rows.filter((e) => e.to.rank >= e.from.rank);
if (process.argv.includes('--json')) {
  console.log(
    JSON.stringify(
      { layers: CORE_LAYERS, edges: rows.map((e) => ({ from: e.from.folder, to: e.to.folder, example: e.example })), upward: upward.length },
      null,
      2,
    ),
  );
} else {
  console.log(`Layer order, lowest first: ${CORE_LAYERS.map((l) => l.join('/')).join(' < ')}\n`);
  for (const e of rows)
    console.log(`${e.to.rank >= e.from.rank ? 'UP  ' : '    '}${e.from.folder} (${e.from.rank}) -> ${e.to.folder} (${e.to.rank})   e.g. ${e.example}`);
  console.log(`\n${rows.length} edges, ${upward.length} upward.`);
}
process.exit(upward.length > 0 ? 1 : 0);
