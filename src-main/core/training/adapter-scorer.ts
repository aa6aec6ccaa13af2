/**
 * An AdapterScorer over the weights being trained (trainer.ts): scores any
 * training image (Image8 or DICOM frame) with the method's head, the map at the
 * image grid, the image score as the method's graphs define it. The weights
 * are copied, so later Adam steps do not change it.
 *
 *   const scorer = createAdapterScorer(session, weights, t, spec, method.trainedWithMasks(abnormal));
 *   const { map, score } = await scorer.score(image);
 */
import type { HeadSession } from '../engine/training-session';
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
  withMasks: boolean,
): AdapterScorer {
  const frozen = new Map([...weights].map(([k, v]) => [k, v.slice()]));
  const text = t.slice();
  const chain = methodPreprocess(session.graphs.input, spec);
  return {
    async score(image) {
      const frame = asFrame(image);
      const input = preprocessFrame(frame, chain, isImage8(image) ? { window: IMAGE8_WINDOW } : {});
      const feats = await session.encodeTaps(input.pixels, 1);
      const r = await session.head(frozen, text, feats);
      return { map: mapToImageGrid(r.map, input.mapping), rows: frame.rows, columns: frame.columns, score: session.graphs.imageScore(r, withMasks) };
    },
  };
}
