/**
 * What every anomaly method implements (architecture.md §5): `score` turns one
 * decoded frame into a map at the image grid (rows × columns, overlaying the
 * image pixel for pixel) and an image score. Methods that need training
 * (mediclip, madclip) score with a trained adapter (adapter-scoring.ts, built
 * from the graphs their method object in core/training/methods names);
 * training itself is the training service's job, not the engine's.
 *
 *   const r = await zeroshot.score(frame, { bundle, organ: 'brain' });
 *   r.map.length === frame.rows * frame.columns;  r.score ∈ [0, 1]
 */
import type { DecodedFrame } from '../../dicom/pixels/decoded-frame';
import type { LoadedBundle } from '../loaded-bundle';
import type { ModelInput, PreprocessOptions, PreprocessSpec } from '../preprocess';
import type { StageTimes } from '../stage-times';
import type { ResolvedWindow } from '../intensity';
import type { GridMapping } from '../grid-mapping';
import type { AdapterGraphs, LoadedAdapter } from '../training-session';
import type { ZeroShotScorer } from '../../../../src-shared/domain/scan';

export interface ScoreContext extends PreprocessOptions {
  bundle: LoadedBundle;
  /** Organ or body-part word for prompts, e.g. 'brain', 'chest'; default: none (modality only). */
  organ?: string;
  signal?: AbortSignal;
  /** A trained adapter (mediclip, madclip); the engine opens it from `adapterDir`. */
  adapter?: LoadedAdapter;
  adapterDir?: string;
  /** The frame already preprocessed with `inputSpec` (the engine host prepares the next images ahead); default: done in `score`. */
  input?: ModelInput;
  /** Where the method adds its forward and postprocess time (stage-times.ts). */
  times?: StageTimes;
  /** Zero-shot only: the fast block-24 scorer (default) or the faithful WinCLIP one (zeroshot-winclip.ts). */
  scorer?: ZeroShotScorer;
}

export interface AnomalyResult {
  /** rows × columns, row-major, same grid as the frame. */
  map: Float32Array;
  rows: number;
  columns: number;
  /** Image-level anomaly score; for zero-shot a probability in [0, 1]. */
  score: number;
  mapRange: [number, number];
  /** The map at the model input grid (S × S) before the inverse mapping. */
  modelMap: Float32Array;
  mapping: GridMapping;
  window?: ResolvedWindow;
  provider: string;
  /** Set for a demo (random-weight) bundle: the results mean nothing. */
  demoLabel?: string;
}

export interface AnomalyMethod {
  readonly id: string;
  readonly needsTraining: boolean;
  /** A method that scores with a trained adapter: the graphs the engine opens its adapters with. */
  readonly adapterGraphs?: AdapterGraphs;
  /** The method's preprocessing chain on this bundle (preprocess.ts turns a frame into the vision input with it). */
  inputSpec(bundle: LoadedBundle): PreprocessSpec;
  score(frame: DecodedFrame, context: ScoreContext): Promise<AnomalyResult>;
}

export function valueRange(a: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as number;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
