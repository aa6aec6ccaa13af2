// The engine facade: a bundle folder is verified once and reused while its
// files are unchanged (text features are not recomputed per scan request); a
// change on disk makes it load and verify again, refusing a damaged file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/paths';
import { createEngine, methodById } from '../../../src-main/core/engine/engine';
import { classFeatures } from '../../../src-main/core/engine/methods/zeroshot';

const FIXTURE = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');

describe('createEngine', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-engine-'));
  fs.cpSync(FIXTURE, dir, { recursive: true });
  const engine = createEngine({ threads: 1, preferredProviders: ['cpu'] });
  afterAll(async () => {
    await engine.release();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reuses a loaded bundle while its files are unchanged, and re-verifies after a change', async () => {
    const a = await engine.loadBundle(dir);
    const b = await engine.loadBundle(path.join(dir, '.'));
    expect(b).toBe(a);
    expect(await classFeatures(b, 'chest CT')).toBe(await classFeatures(a, 'chest CT'));
    expect(a.providers).toEqual({ vision: 'cpu', text: 'cpu' });

    const file = path.join(dir, 'bpe_merges.txt');
    const bytes = fs.readFileSync(file);
    bytes[0] ^= 0x20;
    fs.writeFileSync(file, bytes);
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    await expect(engine.loadBundle(dir)).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH', message: expect.stringContaining('bpe_merges.txt') });
    bytes[0] ^= 0x20;
    fs.writeFileSync(file, bytes);
    const c = await engine.loadBundle(dir);
    expect(c).not.toBe(a);
  });

  it('refuses an unknown method by name', () => {
    expect(() => methodById('winclip')).toThrow(/Unknown anomaly method "winclip"/);
  });
});
