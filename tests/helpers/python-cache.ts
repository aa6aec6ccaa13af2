/**
 * Python build steps that tests depend on (the model exporter, reference
 * generators) run once per distinct input and are reused by later runs: the
 * output folder is cached under tests/output/cache/python, keyed by the
 * command line, every Python source under models/export and the Python,
 * PyTorch and ONNX versions. A loaded 2-core machine then pays for an export
 * once instead of in every run's setup hook.
 *
 *   const dir = cachedPythonRun('parity-export', (out) => ['-m', 'models.export.export', '--out', path.join(out, 'bundle')]);
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PYTHON } from '../parity/compare';
import { PROJECT_ROOT, TEST_OUTPUT } from './paths';

const SOURCES = path.join(PROJECT_ROOT, 'models', 'export');
const CACHE = path.join(TEST_OUTPUT, 'cache', 'python');
const MARKER = '.complete';

function inputsKey(args: string[]): string {
  const hash = crypto.createHash('sha256');
  hash.update(JSON.stringify(args));
  const versions = spawnSync(PYTHON, ['-c', 'import sys, torch, onnx; print(sys.version, torch.__version__, onnx.__version__)'], { encoding: 'utf8' });
  hash.update(versions.stdout ?? '');
  for (const name of fs.readdirSync(SOURCES, { recursive: true }).map(String).sort()) {
    if (!name.endsWith('.py')) continue;
    hash.update(name);
    hash.update(fs.readFileSync(path.join(SOURCES, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** The folder holding what `args(folder)` wrote, from the cache when the same inputs ran before. */
export function cachedPythonRun(name: string, args: (out: string) => string[]): string {
  const dir = path.join(CACHE, `${name}-${inputsKey(args('<out>'))}`);
  if (fs.existsSync(path.join(dir, MARKER))) return dir;
  const staging = `${dir}.${process.pid}.tmp`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  const r = spawnSync(PYTHON, args(staging), { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new Error(`${PYTHON} ${args(staging).join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  }
  fs.writeFileSync(path.join(staging, MARKER), new Date().toISOString());
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  return dir;
}
