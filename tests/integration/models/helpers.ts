/**
 * Shared set-up for the model registry tests: a temporary app-data folder with
 * a real SQLite case log, the fixture bundle (models/fixtures/tiny-demo), and
 * a look at what is on disk under `<models>/` (to prove nothing half-installed).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCaseLog, type CaseLog } from '../../../src-main/core/caselog';
import { ModelRegistry, type ModelRegistryOptions } from '../../../src-main/core/models';
import { PROJECT_ROOT } from '../../helpers/paths';

export const FIXTURE_BUNDLE = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');

export function fixtureManifestSha256(): string {
  return crypto
    .createHash('sha256')
    .update(fs.readFileSync(path.join(FIXTURE_BUNDLE, 'manifest.json')))
    .digest('hex');
}

export interface TestApp {
  root: string;
  dbPath: string;
  caseLog: CaseLog;
  registry: ModelRegistry;
  modelsDir: string;
  /** Entries under <models>/, ignoring empty bookkeeping folders. */
  installedFolders(): string[];
  stagingEntries(): string[];
  downloadEntries(): string[];
  cleanup(): void;
}

export function makeTestApp(extra: Partial<ModelRegistryOptions> = {}): TestApp {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-models-test-'));
  const dbPath = path.join(root, 'clipscan.db');
  const caseLog = openCaseLog(dbPath);
  const modelsDir = path.join(root, 'models');
  const registry = new ModelRegistry({ db: caseLog.db, modelsDir, ...extra });
  const ls = (p: string) => (fs.existsSync(p) ? fs.readdirSync(p) : []);
  return {
    root,
    dbPath,
    caseLog,
    registry,
    modelsDir,
    installedFolders: () => ls(modelsDir).filter((n) => !n.startsWith('.')),
    stagingEntries: () => ls(path.join(modelsDir, '.staging')),
    downloadEntries: () => ls(path.join(modelsDir, '.downloads')),
    cleanup() {
      caseLog.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A copy of the fixture bundle in a temporary folder, to tamper with. */
export function copyFixture(into: string): string {
  const dir = path.join(into, 'bundle-copy');
  fs.cpSync(FIXTURE_BUNDLE, dir, { recursive: true });
  return dir;
}
