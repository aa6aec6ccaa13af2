/**
 * A folder the test process cannot write to: a fresh folder with mode 0555,
 * or, when running as root (which ignores modes), a folder under /sys (sysfs
 * refuses new files with EACCES even to root). Null when neither works.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function refusesWrites(dir: string): boolean {
  const probe = path.join(dir, `.probe-${process.pid}`);
  try {
    fs.writeFileSync(probe, 'x');
    fs.rmSync(probe);
    return false;
  } catch {
    return true;
  }
}

export function unwritableFolder(): { dir: string; cleanup: () => void } | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-ro-'));
  fs.chmodSync(dir, 0o555);
  const cleanup = (): void => {
    fs.chmodSync(dir, 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  if (refusesWrites(dir)) return { dir, cleanup };
  cleanup();
  if (fs.existsSync('/sys/kernel') && refusesWrites('/sys/kernel')) return { dir: '/sys/kernel', cleanup: () => undefined };
  return null;
}
export const SKIP_NO_UNWRITABLE = 'no folder refuses writes here (root without sysfs)';
