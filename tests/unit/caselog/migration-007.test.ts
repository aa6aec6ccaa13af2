// Migration 007 adds the zero-shot scorer to scans (issue 15): zero-shot scans
// written before it read as 'fast', scans of adapter methods have none, and
// only 'fast' and 'winclip' are accepted afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openCaseLog } from '../../../src-main/core/caselog';
import { migrations } from '../../../src-main/core/caselog/migrations/index';

let dir = '';
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const insert = `INSERT INTO scans (status, method, bundle_id, bundle_version, bundle_sha256, bundle_dir, demo, threshold, images_total, created_at)
  VALUES ('done', ?, 'tiny-demo', '1', ?, '/b', 1, 0.5, 0, '2026-12-03T00:00:00Z')`;

it('reads zero-shot scans from before it as fast, adapter scans as none, and checks new values', () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-m007-'));
  const file = path.join(dir, 'clipscan.db');
  const old = openCaseLog(file, { migrations: migrations.slice(0, 6) });
  old.db.prepare(insert).run('zeroshot', 'a'.repeat(64));
  old.db.prepare(insert).run('mediclip', 'b'.repeat(64));
  old.close();

  const log = openCaseLog(file, { migrations: migrations.slice(0, 7) });
  expect(log.version).toBe(7);
  expect(log.db.prepare('SELECT method, scorer FROM scans ORDER BY id').all()).toEqual([
    { method: 'zeroshot', scorer: 'fast' },
    { method: 'mediclip', scorer: null },
  ]);
  log.db.prepare(`UPDATE scans SET scorer = 'winclip' WHERE id = 1`).run();
  expect(() => log.db.prepare(`UPDATE scans SET scorer = 'patchcore' WHERE id = 1`).run()).toThrow(/CHECK constraint/);
  log.close();
});
