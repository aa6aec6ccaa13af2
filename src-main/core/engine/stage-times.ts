/**
 * Per-stage time of a scan (issue 17): milliseconds spent on setup (decoder,
 * bundle sessions, the prompts' text features), reading files, decoding
 * pixels, preprocessing, in the vision forward and mapping results back,
 * summed over the images. The engine host fills one per `scoreImages` call;
 * the methods add theirs through `ScoreContext.times`. An async stage counts
 * until its promise settles. With prefetch, read, decode and preprocess run in
 * a worker alongside the forward, so the sum may exceed the wall time.
 *
 *   const times = createStageTimes();
 *   const frame = await timed(times, 'decode', () => decoder.decode(bytes));
 */
export const ENGINE_STAGES = ['setup', 'read', 'decode', 'preprocess', 'forward', 'postprocess'] as const;
export type EngineStage = (typeof ENGINE_STAGES)[number];
export type StageTimes = Record<EngineStage, number>;

export function createStageTimes(): StageTimes {
  return { setup: 0, read: 0, decode: 0, preprocess: 0, forward: 0, postprocess: 0 };
}

/** Runs `work` and adds its duration (until its promise settles, for async work) to `stage`; no-op timing without `times`. */
export function timed<T>(times: StageTimes | undefined, stage: EngineStage, work: () => T): T {
  if (!times) return work();
  const start = performance.now();
  const add = () => {
    times[stage] += performance.now() - start;
  };
  let result: T;
  try {
    result = work();
  } catch (err) {
    add();
    throw err;
  }
  if (result instanceof Promise) return result.finally(add) as T;
  add();
  return result;
}
