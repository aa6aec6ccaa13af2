// The training service that the app's handlers and `clipscan train` share, on
// the tiny bundle with the in-process engine host: an awaited run registers
// its adapter under the one id format and a repeat of the same request lands
// in the same folder (resume); the contract call checks its arguments before a
// job starts, reports progress events to the end and lists the adapter.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainingProgress } from '../../../src-shared/contract/training-calls';
import { createInProcessHost } from '../../../src-main/core/engine-host/in-process';
import { encodePng } from '../../../src-main/core/images/png';
import { createBackend } from '../../../src-main/core/services';
import { PROJECT_ROOT } from '../../helpers/paths';

const BUNDLE = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-training-service-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Three grey 64×64 PNG files with different stripes. */
function supportFiles(): string[] {
  return [3, 5, 7].map((period, n) => {
    const size = 64;
    const data = new Uint8Array(size * size * 4);
    for (let i = 0; i < size * size; i++) {
      data.fill(Math.floor(i / period) % 2 ? 200 : 60, i * 4, i * 4 + 3);
      data[i * 4 + 3] = 255;
    }
    const file = path.join(tmp, `normal-${n}.png`);
    fs.writeFileSync(file, encodePng({ width: size, height: size, data }));
    return file;
  });
}

describe('training service', () => {
  const events: TrainingProgress[] = [];
  const backend = createBackend({
    mode: 'browser',
    databasePath: path.join(tmp, 'clipscan.db'),
    allowedRoots: [tmp],
    demoBundleDir: BUNDLE,
    engineHost: createInProcessHost,
    emit: (name, data) => {
      if (name === 'training.progress') events.push(data as TrainingProgress);
    },
  });
  afterAll(() => backend.close());
  const normal = supportFiles();
  const request = { method: 'mediclip' as const, normal, seed: 1, epochs: 1, textEncoder: 'fast' as const, poolSize: 2 };

  it('trains, registers under the one id format, and resumes the same request in the same folder', async () => {
    const first = await backend.training.train(request);
    expect(first.manifest.id).toMatch(/^mediclip-tiny-demo-k3-s1-[0-9a-f]{8}$/);
    expect(first.adapterDir).toBe(path.join(tmp, 'adapters', first.manifest.id));
    expect(backend.adapters.find(first.manifest.id)?.dir).toBe(first.adapterDir);
    const again = await backend.training.train(request);
    expect(again.adapterDir).toBe(first.adapterDir);
    expect(again.losses).toEqual(first.losses);
    const other = await backend.training.train({ ...request, normal: normal.slice(0, 2) });
    expect(other.manifest.id).toMatch(/^mediclip-tiny-demo-k2-s1-/);
    expect(
      backend.training
        .list()
        .map((a) => a.id)
        .sort(),
    ).toEqual([first.manifest.id, other.manifest.id].sort());
  });

  it('runs a job for the contract call, with progress events to the end', async () => {
    await expect(
      backend.handlers.training.start({ method: 'madclip', normal: [{ path: normal[0]!, frame: 0 }], abnormal: [], epochs: 1, seed: 0, textEncoder: 'fast' }),
    ).rejects.toMatchObject({ code: 'NO_SUPPORT' });
    await expect(
      backend.handlers.training.start({
        method: 'mediclip',
        normal: [{ path: '/etc/passwd', frame: 0 }],
        abnormal: [],
        epochs: 1,
        seed: 0,
        textEncoder: 'fast',
      }),
    ).rejects.toThrow();
    const { jobId } = await backend.handlers.training.start({
      method: 'mediclip',
      normal: normal.map((p) => ({ path: p, frame: 0 })),
      abnormal: [],
      epochs: 1,
      seed: 2,
      textEncoder: 'fast',
    });
    await expect.poll(() => events.at(-1)?.state, { timeout: 60_000 }).toBe('done');
    const mine = events.filter((e) => e.jobId === jobId);
    expect(mine[0]?.state).toBe('preparing');
    expect(mine.some((e) => e.state === 'running' && e.loss !== null)).toBe(true);
    const adapterId = mine.at(-1)!.adapterId!;
    expect(adapterId).toMatch(/^mediclip-tiny-demo-k3-s2-/);
    expect((await backend.handlers.training.adapters({})).map((a) => a.id)).toContain(adapterId);
  });
});
