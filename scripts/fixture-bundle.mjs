// Checks the committed tiny demo model bundle (models/fixtures/tiny-demo)
// before the tests run: every file listed in manifest.json must exist with the
// listed size and sha256, and the bundle must be marked as a demo. Needs no
// PyTorch. `npm test` runs it; `node scripts/fixture-bundle.mjs [DIR]` checks
// another bundle folder. Exit 1 with a readable message on any mismatch.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const DEFAULT_DIR = path.join(import.meta.dirname, '..', 'models', 'fixtures', 'tiny-demo');
const REGENERATE = '/usr/bin/python3 -m models.export.export --random --seed 0 --tiny --out models/fixtures/tiny-demo';
const DEMO_LABEL = 'demo model, random weights, not for diagnosis';

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function problemsOf(dir) {
  const manifestPath = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestPath)) return [`${manifestPath} is missing`];
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    return [`${manifestPath} is not valid JSON: ${e.message}`];
  }
  const problems = [];
  if (!Array.isArray(manifest.files) || manifest.files.length === 0) problems.push('manifest.json lists no files');
  if (manifest.demo === true && !String(manifest.displayName).includes(DEMO_LABEL)) {
    problems.push(`a demo bundle's displayName must contain "${DEMO_LABEL}"`);
  }
  for (const f of manifest.files ?? []) {
    const file = path.join(dir, f.path);
    if (!fs.existsSync(file)) {
      problems.push(`${f.path}: missing`);
      continue;
    }
    const bytes = fs.statSync(file).size;
    if (bytes !== f.bytes) {
      const head = fs.readFileSync(file, 'utf8').slice(0, 40);
      const lfs = head.startsWith('version https://git-lfs') ? ' (it is a Git LFS pointer: run git lfs pull)' : '';
      problems.push(`${f.path}: ${bytes} bytes, manifest says ${f.bytes}${lfs}`);
      continue;
    }
    const actual = sha256(file);
    if (actual !== f.sha256) problems.push(`${f.path}: sha256 ${actual}, manifest says ${f.sha256}`);
  }
  const listed = new Set((manifest.files ?? []).map((f) => f.path));
  // files in sub-folders (train/<method>.onnx) are listed with their relative path
  for (const name of fs.readdirSync(dir, { recursive: true })) {
    const rel = String(name).split(path.sep).join('/');
    if (fs.statSync(path.join(dir, rel)).isDirectory()) continue;
    if (rel !== 'manifest.json' && !listed.has(rel)) problems.push(`${rel}: present but not listed in manifest.json`);
  }
  return problems;
}

const dir = path.resolve(process.argv[2] ?? DEFAULT_DIR);
const problems = problemsOf(dir);
if (problems.length > 0) {
  console.error(`The model bundle in ${dir} does not match its manifest:`);
  for (const p of problems) console.error(`  - ${p}`);
  if (dir === path.resolve(DEFAULT_DIR)) {
    console.error(`Restore it from git (git checkout models/fixtures/tiny-demo) or regenerate it, with PyTorch, from the repository root:\n  ${REGENERATE}`);
  }
  process.exit(1);
}
console.log(`model bundle ${path.relative(process.cwd(), dir) || '.'}: all file sizes and sha256 match manifest.json`);
