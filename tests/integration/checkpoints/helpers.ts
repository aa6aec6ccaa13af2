/**
 * Shared set-up for the checkpoint tests (issue 11): random-weight OpenAI-layout
 * checkpoints written by Debian PyTorch (models/export/fake_checkpoint.py), and
 * a loopback server folder that holds a file under OpenAI's URL layout
 * `<sha256>/<official file name>`.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, outputPath } from '../../helpers/paths';

export const TORCH_PYTHON = '/usr/bin/python3';
export const hasTorch = (() => {
  try {
    execFileSync(TORCH_PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
export const SKIP_NO_TORCH = `needs Debian PyTorch at ${TORCH_PYTHON} to write the random-weight checkpoints`;

export function sha256Of(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The tiny random-weight CLIP as a TorchScript archive (like OpenAI's .pt files), written once per test run. */
export function tinyTorchScriptCheckpoint(seed = 0): { file: string; bpe: string } {
  const dir = outputPath(`checkpoints-seed${seed}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'tiny.pt');
  const bpe = path.join(dir, 'bpe.txt.gz');
  if (!fs.existsSync(file)) {
    execFileSync(TORCH_PYTHON, ['-m', 'models.export.fake_checkpoint', '--out', file, '--format', 'jit', '--bpe-out', bpe, '--seed', String(seed)], {
      cwd: PROJECT_ROOT,
      stdio: 'pipe',
    });
  }
  return { file, bpe };
}

/** Puts `file` into `root` as `<sha256>/<name>` (OpenAI's layout); returns the path part of the URL. */
export function serveUnderOfficialName(root: string, file: string, name: string, sha256 = sha256Of(file)): string {
  const dir = path.join(root, sha256);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(file, path.join(dir, name));
  return `${sha256}/${name}`;
}
