/**
 * Outside checks of the DICOM files ClipScan writes: dciodvfy (dicom3tools)
 * for IOD conformance, and pydicom (Debian's /usr/bin/python3) to read them
 * back. Missing tools fail with the install line, or skip with
 * CLIPSCAN_SKIP_MISSING=1.
 */
import { spawnSync } from 'node:child_process';

export const PYTHON = process.env.CLIPSCAN_PYTHON ?? '/usr/bin/python3';
export const hasDciodvfy = spawnSync('dciodvfy', ['-version'], { stdio: 'ignore' }).error === undefined;
export const hasPydicom = spawnSync(PYTHON, ['-c', 'import pydicom'], { stdio: 'ignore' }).status === 0;
export const skipDicomTools = (!hasDciodvfy || !hasPydicom) && process.env.CLIPSCAN_SKIP_MISSING === '1';
export const SKIP_NO_DICOM_TOOLS = 'needs dciodvfy and pydicom: sudo apt-get install dicom3tools python3-pydicom';

/** dciodvfy's verdict: its error lines (none means the object conforms), and the warnings. */
export function dciodvfy(file: string): { errors: string[]; warnings: string[]; output: string } {
  const r = spawnSync('dciodvfy', ['-new', file], { encoding: 'utf8' });
  if (r.error) throw new Error(`dciodvfy cannot run (${r.error.message}): ${SKIP_NO_DICOM_TOOLS}`);
  const output = `${r.stdout}${r.stderr}`;
  const lines = output.split('\n');
  return { errors: lines.filter((l) => /^Error/.test(l)), warnings: lines.filter((l) => /^Warning/.test(l)), output };
}

/** Runs a Python snippet with pydicom; `sys.argv[1:]` are `args`; returns its stdout parsed as JSON. */
export function pydicomJson<T>(script: string, args: string[]): T {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pydicom check failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
