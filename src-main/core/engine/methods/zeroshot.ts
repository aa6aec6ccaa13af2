/**
 * Zero-shot CLIP anomaly scoring (algorithms.md §7.6, simple variant):
 * - text: normal and abnormal prompt ensembles (prompts.ts) for the subject
 *   ("brain MRI"), each prompt normalised, averaged, renormalised; cached per
 *   bundle and subject;
 * - image score: softmax(100 · [pooled·t_n, pooled·t_ab])[ab], pooled normalised;
 * - map: last-layer `patch_embeds` (ln_post + proj inside the graph), each
 *   normalised, softmax(100 · cos) abnormal channel on the G×G grid →
 *   bilinear align_corners = true to S×S (the reference methods' Up_ac; the
 *   grid corners meet the input corners even where G·P < S) → exact inverse
 *   mapping to the image grid (grid-mapping.ts).
 * Only the last layer is used: the bundle's other taps are raw residual
 * streams without a projection into the joint space. This is the `fast`
 * scorer; `context.scorer === 'winclip'` scores with the faithful WinCLIP
 * (zeroshot-winclip.ts) on the bundle's window graph instead, same text, same
 * map resampling.
 *
 *   const r = await zeroshot.score(frame, { bundle, organ: 'brain' });
 */
import type { DecodedFrame } from '../../dicom/pixels/decoded-frame';
import { memoize, type LoadedBundle } from '../loaded-bundle';
import { preprocessFrame, type PreprocessSpec } from '../preprocess';
import { timed } from '../stage-times';
import { methodPreprocess, ZEROSHOT_INPUT } from '../method-preprocess';
import { upsampleAlignCorners } from '../resample';
import { mapToImageGrid } from '../grid-mapping';
import { DEMO_MODEL_LABEL } from '../bundle';
import { promptEnsemble, subjectWord } from './prompts';
import { dot, ensembleFeature, normaliseRows, twoClassProbability } from './feature-math';
import { valueRange, type AnomalyMethod, type AnomalyResult, type ScoreContext } from './anomaly-method';
import { winclipGrid } from './zeroshot-winclip';
import { windowGraph } from '../window-graph';

export const LOGIT_SCALE = 100;

export interface ClassFeatures {
  subject: string;
  normal: Float32Array;
  abnormal: Float32Array;
  prompts: { normal: number; abnormal: number };
}

/** Normal/abnormal text features for a subject, computed once per bundle. */
export function classFeatures(bundle: LoadedBundle, subject: string): Promise<ClassFeatures> {
  return memoize(bundle, `zeroshot:text:${subject}`, async () => {
    const { normal, abnormal } = promptEnsemble(subject);
    const D = bundle.manifest.embedDim;
    const feats = await bundle.text.encodeTexts([...normal, ...abnormal]);
    return {
      subject,
      normal: ensembleFeature(feats.subarray(0, normal.length * D), normal.length, D),
      abnormal: ensembleFeature(feats.subarray(normal.length * D), abnormal.length, D),
      prompts: { normal: normal.length, abnormal: abnormal.length },
    };
  });
}

/** Abnormal probability per patch on the G×G grid, from patch_embeds [G² × D] of one image. */
export function patchProbabilities(patchEmbeds: Float32Array, g: number, d: number, t: ClassFeatures): Float32Array {
  const unit = normaliseRows(new Float32Array(patchEmbeds), g * g, d);
  const out = new Float32Array(g * g);
  for (let i = 0; i < g * g; i++) out[i] = twoClassProbability(dot(unit, i * d, t.abnormal, d), dot(unit, i * d, t.normal, d), LOGIT_SCALE);
  return out;
}

export const zeroshot: AnomalyMethod = {
  id: 'zeroshot',
  needsTraining: false,
  inputSpec(bundle: LoadedBundle): PreprocessSpec {
    return methodPreprocess(ZEROSHOT_INPUT, bundle.manifest.preprocess);
  },
  async score(frame: DecodedFrame, context: ScoreContext): Promise<AnomalyResult> {
    const { bundle } = context;
    const m = bundle.manifest;
    const D = m.embedDim;
    const G = m.vision.gridSize;
    const S = m.preprocess.inputSize;
    context.signal?.throwIfAborted();
    const text = await timed(context.times, 'setup', () => classFeatures(bundle, subjectWord(frame.modality, context.organ)));
    if (context.scorer === 'winclip') windowGraph(m);
    const input = context.input ?? preprocessFrame(frame, zeroshot.inputSpec(bundle), context);
    context.signal?.throwIfAborted();
    let grid: Float32Array;
    let score: number;
    if (context.scorer === 'winclip') {
      const encoder = await timed(context.times, 'setup', () => bundle.windows());
      ({ grid, score } = await winclipGrid(encoder, input.pixels, G, D, text, LOGIT_SCALE, context.times, context.signal));
    } else {
      const out = await timed(context.times, 'forward', () => bundle.vision.encode(input.pixels, 1));
      ({ grid, score } = timed(context.times, 'postprocess', () => {
        const pooled = normaliseRows(new Float32Array(out.pooled), 1, D);
        return {
          grid: patchProbabilities(out.patchEmbeds, G, D, text),
          score: twoClassProbability(dot(pooled, 0, text.abnormal, D), dot(pooled, 0, text.normal, D), LOGIT_SCALE),
        };
      }));
    }
    const { map, modelMap } = timed(context.times, 'postprocess', () => {
      const modelMap = upsampleAlignCorners(grid, G, S);
      return { modelMap, map: mapToImageGrid(modelMap, input.mapping) };
    });
    return {
      map,
      rows: frame.rows,
      columns: frame.columns,
      score,
      mapRange: valueRange(map),
      modelMap,
      mapping: input.mapping,
      ...(input.window ? { window: input.window } : {}),
      provider: bundle.provider,
      ...(bundle.demo ? { demoLabel: DEMO_MODEL_LABEL } : {}),
    };
  },
};
