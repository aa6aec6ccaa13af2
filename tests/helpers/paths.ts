/**
 * Where tests find their data: the full public sets in ../shared/data (CI
 * always has them) and the small bundled subset in tests/fixtures (a fresh
 * clone without ../shared still passes). Tests that need the full sets call
 * `sharedDataOrSkip()` and report themselves as skipped with the reason.
 */
import fs from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');
const sharedCandidate = path.resolve(process.env.CLIPSCAN_SHARED_DATA ?? path.join(PROJECT_ROOT, '..', 'shared', 'data'));
/** Resolved through symlinks, so paths compare equal to what the back end reports (it resolves them too). */
export const SHARED_DATA = fs.existsSync(sharedCandidate) ? fs.realpathSync(sharedCandidate) : sharedCandidate;
export const FIXTURES = path.join(PROJECT_ROOT, 'tests', 'fixtures');
export const TEST_OUTPUT = path.join(PROJECT_ROOT, 'tests', 'output');

export const hasSharedData = fs.existsSync(path.join(SHARED_DATA, 'MANIFEST.tsv'));
export const SKIP_NO_SHARED_DATA = `needs the full public data set in ${SHARED_DATA} (not found); set CLIPSCAN_SHARED_DATA to its folder`;

/** A DICOM folder from the shared data if present, else its bundled subset in tests/fixtures. */
export function dicomSet(name: string): string {
  const shared = path.join(SHARED_DATA, 'dicom', name);
  if (fs.existsSync(shared)) return shared;
  const local = path.join(FIXTURES, 'dicom', name);
  if (fs.existsSync(local)) return local;
  throw new Error(`DICOM set ${name} is neither in ${SHARED_DATA} nor in tests/fixtures`);
}

export function outputPath(name: string): string {
  fs.mkdirSync(TEST_OUTPUT, { recursive: true });
  return path.join(TEST_OUTPUT, name);
}
