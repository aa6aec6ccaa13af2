// The engine host lends engines per (threads, providers): switching to "CPU only" while a scan runs
// must not release the running scan's sessions; an engine goes once it is neither lent nor the latest.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src-main/core/engine/engine';
import { createHostState } from '../../../src-main/core/engine-host/host-state';

function fakeEngines() {
  const made: Array<{ providers: string[] | undefined; released: boolean }> = [];
  const factory = (_threads: number | undefined, providers: string[] | undefined) => {
    const record = { providers, released: false };
    made.push(record);
    return {
      providers: providers ?? ['cpu'],
      release: async () => {
        record.released = true;
      },
    } as unknown as Engine;
  };
  return { made, factory };
}

describe('engine host engines', () => {
  it('keeps a lent engine until its scan ends, then releases it for the newer choice', async () => {
    const { made, factory } = fakeEngines();
    const state = createHostState(factory);
    let finishFirst!: () => void;
    const first = state.withEngine(2, undefined, () => new Promise<string>((resolve) => (finishFirst = () => resolve('first done'))));
    await Promise.resolve();
    const second = await state.withEngine(2, ['cpu'], async (engine) => engine.providers.join(','));
    expect(second).toBe('cpu');
    expect(made).toEqual([
      { providers: undefined, released: false }, // still lent to the first scan
      { providers: ['cpu'], released: false },
    ]);
    finishFirst();
    expect(await first).toBe('first done');
    expect(made[0]!.released).toBe(true); // neither lent nor the latest any more
    expect(made[1]!.released).toBe(false); // the latest stays for the next scan
  });

  it('reuses the engine for the same threads and providers, and releases it even when its use fails', async () => {
    const { made, factory } = fakeEngines();
    const state = createHostState(factory);
    await state.withEngine(2, undefined, async () => 1);
    await expect(state.withEngine(2, undefined, async () => Promise.reject(new Error('scan failed')))).rejects.toThrow('scan failed');
    expect(made).toHaveLength(1);
    await state.withEngine(1, undefined, async () => 1);
    expect(made.map((m) => m.released)).toEqual([true, false]);
  });
});
