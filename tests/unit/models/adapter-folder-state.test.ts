// What an adapter folder holds after an interrupted training (adapter-files.ts):
// temporary files of a killed writer are removed by the next run, those of a
// running one are left; a checkpoint makes the folder resumable, and a removal
// cut short after state.json leaves it incomplete, never a half checkpoint.
// The complete state, with kill -9 at random moments, is in tests/chaos.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adapterFolderState, removeCheckpoint, removeStaleTempFiles, writeCheckpoint } from '../../../src-main/core/models/adapter-files';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-adapter-folder-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A process id that no process has now. */
function deadPid(): number {
  for (let pid = 4_000_000; ; pid--) {
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    }
  }
}

const tensors = () => new Map([['w', new Float32Array([1, 2, 3])]]);

describe('adapter folders after an interruption', () => {
  it("removes a killed writer's temporary files and keeps a running writer's", async () => {
    const dir = path.join(tmp, 'temps');
    fs.mkdirSync(path.join(dir, 'checkpoint', 'e1', 'w'), { recursive: true });
    const dead = path.join(dir, 'checkpoint', 'e1', 'w', `w.f32.tmp-${deadPid()}`);
    const alive = path.join(dir, `adapter.json.tmp-${process.pid}`);
    const kept = path.join(dir, 'notes.tmp');
    for (const f of [dead, alive, kept]) fs.writeFileSync(f, 'x');
    expect(await removeStaleTempFiles(dir)).toEqual([dead]);
    expect([dead, alive, kept].map((f) => fs.existsSync(f))).toEqual([false, true, true]);
    expect(await removeStaleTempFiles(path.join(tmp, 'no-such-folder'))).toEqual([]);
  });

  it('says missing, incomplete or resumable, and a cut-short checkpoint removal leaves it incomplete', async () => {
    const dir = path.join(tmp, 'states');
    expect(await adapterFolderState(dir)).toEqual({ state: 'missing' });
    fs.mkdirSync(dir);
    expect(await adapterFolderState(dir)).toEqual({ state: 'incomplete' });
    await writeCheckpoint(dir, { epochsDone: 2, adamStep: 6, losses: [1, 0.5], config: {}, weights: tensors(), m: tensors(), v: tensors() });
    expect(await adapterFolderState(dir)).toEqual({ state: 'resumable', epochsDone: 2 });
    fs.rmSync(path.join(dir, 'checkpoint', 'state.json')); // what removeCheckpoint does first
    expect(await adapterFolderState(dir)).toEqual({ state: 'incomplete' });
    await removeCheckpoint(dir);
    expect(fs.existsSync(path.join(dir, 'checkpoint'))).toBe(false);
  });
});
