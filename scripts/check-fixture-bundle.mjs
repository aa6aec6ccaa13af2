// Checks the committed tiny demo model bundle (models/fixtures/tiny-demo)
// before the tests run, with the app's own manifest reader and file checks
// (src-main/core/models/manifest.ts and checksum.ts, bundled here on the fly
// by esbuild: there is no second schema). Every listed file must exist with
// its size and sha256, no unlisted file may lie in the folder, and the bundle
// must be labelled as a demo. Needs no PyTorch; it only checks, it does not
// build (the bundle is built by models/export, see models/README.md).
// `npm run models:check-fixture [-- DIR]`; exit 1 with a readable message on any problem.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.join(import.meta.dirname, '..');
const DEFAULT_DIR = path.join(ROOT, 'models', 'fixtures', 'tiny-demo');
const REGENERATE = '/usr/bin/python3 -m models.export.export --random --seed 0 --tiny --out models/fixtures/tiny-demo';

/** The manifest reader and file check of src-main, as one ES module in a temporary folder. */
async function loadBundleChecks() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-check-'));
  const outfile = path.join(tmp, 'bundle-checks.mjs');
  try {
    await build({
      stdin: {
        contents:
          "export { readManifest } from './src-main/core/models/manifest';\nexport { verifyFile } from './src-main/core/models/checksum';\nexport { DEMO_MODEL_LABEL } from './src-shared/domain/model-bundle';\n",
        resolveDir: ROOT,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      outfile,
      logLevel: 'error',
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function problemsOf(dir, { readManifest, verifyFile, DEMO_MODEL_LABEL }) {
  let manifest;
  try {
    ({ manifest } = await readManifest(dir));
  } catch (err) {
    return [`${err.code}: ${err.message}`];
  }
  const problems = [];
  if (manifest.demo && !manifest.displayName.includes(DEMO_MODEL_LABEL)) problems.push(`a demo bundle's displayName must contain "${DEMO_MODEL_LABEL}"`);
  for (const f of manifest.files) {
    const file = path.join(dir, f.path);
    if (!fs.existsSync(file)) {
      problems.push(`${f.path}: missing`);
      continue;
    }
    try {
      await verifyFile(manifest.id, dir, f);
    } catch (err) {
      const lfs = fs.readFileSync(file, 'utf8').slice(0, 40).startsWith('version https://git-lfs') ? ' (it is a Git LFS pointer: run git lfs pull)' : '';
      const kind = err.message.includes('sha256') ? 'sha256 differs' : 'size differs';
      problems.push(`${f.path}: ${kind}${lfs}: ${err.message}`);
    }
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  // files in sub-folders (train/<method>.onnx) are listed with their relative path
  for (const name of fs.readdirSync(dir, { recursive: true })) {
    const rel = String(name).split(path.sep).join('/');
    if (fs.statSync(path.join(dir, rel)).isDirectory()) continue;
    if (rel !== 'manifest.json' && !listed.has(rel)) problems.push(`${rel}: present but not listed in manifest.json`);
  }
  return problems;
}

const dir = path.resolve(process.argv[2] ?? DEFAULT_DIR);
const problems = await problemsOf(dir, await loadBundleChecks());
if (problems.length > 0) {
  console.error(`The model bundle in ${dir} does not match its manifest:`);
  for (const p of problems) console.error(`  - ${p}`);
  if (dir === path.resolve(DEFAULT_DIR)) {
    console.error(`Restore it from git (git checkout models/fixtures/tiny-demo) or regenerate it, with PyTorch, from the repository root:\n  ${REGENERATE}`);
  }
  process.exit(1);
}
console.log(`model bundle ${path.relative(process.cwd(), dir) || '.'}: all file sizes and sha256 match manifest.json`);
