// timed(): adds the duration of sync and async work to its stage, also when
// the work fails, and times nothing without a StageTimes.
import { describe, expect, it } from 'vitest';
import { createStageTimes, ENGINE_STAGES, timed } from '../../../src-main/core/engine/stage-times';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('stage times', () => {
  it('starts every stage at zero', () => {
    expect(createStageTimes()).toEqual(Object.fromEntries(ENGINE_STAGES.map((s) => [s, 0])));
  });

  it('adds sync and async work to its own stage and returns its value', async () => {
    const times = createStageTimes();
    expect(timed(times, 'preprocess', () => (busy(3), 7))).toBe(7);
    expect(await timed(times, 'forward', () => new Promise((r) => setTimeout(() => r('x'), 5)))).toBe('x');
    expect(times.preprocess).toBeGreaterThan(0);
    expect(times.forward).toBeGreaterThan(0);
    expect(times.decode).toBe(0);
  });

  it('counts failed work and passes the error on', async () => {
    const times = createStageTimes();
    expect(() =>
      timed(times, 'decode', () => {
        busy(2);
        throw new Error('bad frame');
      }),
    ).toThrow('bad frame');
    await expect(timed(times, 'read', () => Promise.reject(new Error('gone')))).rejects.toThrow('gone');
    expect(times.decode).toBeGreaterThan(0);
    expect(times.read).toBeGreaterThanOrEqual(0);
  });

  it('without times it only runs the work', () => {
    expect(timed(undefined, 'forward', () => 3)).toBe(3);
  });
});
