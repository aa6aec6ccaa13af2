/**
 * An AdapterScorer over the weights being trained (trainer.ts): scores any
 * training image (Image8 or DICOM frame) with the method's head, the map at the
 * image grid. The weights are copied, so later Adam steps do not change it.
 *
 *   const scorer = createAdapterScorer(session, weights, t, spec, 'mediclip', true);
 *   const { map, score } = await scorer.score(image);
 */
import type { TrainableMethod } from '../../../src-shared/domain/scan';
import type { HeadSession } from '../engine/training-session';
import { adapterScore } from '../engine/training-session';
import { preprocessFrame, type PreprocessSpec } from '../engine/preprocess';
import { methodPreprocess } from '../engine/method-preprocess';
import { mapToImageGrid } from '../engine/grid-mapping';
import { asFrame, IMAGE8_WINDOW, isImage8 } from '../images/image8';
import type { AdapterScorer } from './trainer';

export function createAdapterScorer(
  session: HeadSession,
  weights: ReadonlyMap<string, Float32Array>,
  t: Float32Array,
  spec: PreprocessSpec,
  method: TrainableMethod,
  withMasks: boolean,
): AdapterScorer {
  const frozen = new Map([...weights].map(([k, v]) => [k, v.slice()]));
  const text = t.slice();
  const chain = methodPreprocess(method, spec);
  return {
    async score(image) {
      const frame = asFrame(image);
      const input = preprocessFrame(frame, chain, isImage8(image) ? { window: IMAGE8_WINDOW } : {});
      const feats = await session.encodeTaps(input.pixels, 1);
      const r = await session.head(frozen, text, feats);
      return { map: mapToImageGrid(r.map, input.mapping), rows: frame.rows, columns: frame.columns, score: adapterScore(method, withMasks, r) };
    },
  };
}
