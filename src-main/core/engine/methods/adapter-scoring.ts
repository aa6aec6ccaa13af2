/**
 * Scoring with a trained adapter (MediCLIP §2.7, MadCLIP §4.9): preprocess the
 * frame with the method's chain (method-preprocess.ts), run the vision taps
 * the method uses, the method's inference head (train/<method>-head.onnx) with
 * the adapter's weights and fixed text embeddings, and map the S×S result back
 * to the image grid. The engine gets one such method per adapter method
 * (`createEngine({ adapterMethods })`).
 *
 *   const mediclip = adapterAnomalyMethod(graphs);   // graphs: trainingMethod('mediclip').graphs
 *   const r = await mediclip.score(frame, { bundle, adapter });   // adapter from loadAdapter()
 */
import type { DecodedFrame } from '../../dicom/pixels/decoded-frame';
import { ClipScanError } from '../../../../src-shared/contract/errors';
import { DEMO_MODEL_LABEL } from '../bundle';
import { mapToImageGrid } from '../grid-mapping';
import { preprocessFrame } from '../preprocess';
import { timed } from '../stage-times';
import { methodPreprocess } from '../method-preprocess';
import type { AdapterGraphs } from '../training-session';
import { valueRange, type AnomalyMethod, type AnomalyResult, type ScoreContext } from './anomaly-method';

/** The anomaly method that scores with adapters trained for `graphs.id`. */
export function adapterAnomalyMethod(graphs: AdapterGraphs): AnomalyMethod {
  return {
    id: graphs.id,
    needsTraining: true,
    adapterGraphs: graphs,
    inputSpec: (bundle) => methodPreprocess(graphs.input, bundle.manifest.preprocess),
    score: (frame, context) => scoreWithAdapter(graphs, frame, context),
  };
}

export async function scoreWithAdapter(graphs: AdapterGraphs, frame: DecodedFrame, context: ScoreContext): Promise<AnomalyResult> {
  const methodId = graphs.id;
  const { bundle, adapter } = context;
  if (!adapter) throw new ClipScanError('ADAPTER_REQUIRED', `The ${methodId} method needs a trained adapter; choose one, or use zeroshot.`);
  if (adapter.manifest.method !== methodId) {
    throw new ClipScanError('ADAPTER_MISMATCH', `Adapter ${adapter.manifest.id} was trained for ${adapter.manifest.method}, not ${methodId}.`);
  }
  context.signal?.throwIfAborted();
  const input = context.input ?? preprocessFrame(frame, methodPreprocess(graphs.input, bundle.manifest.preprocess), context);
  const r = await timed(context.times, 'forward', () => adapter.scorePixels(input.pixels));
  const map = timed(context.times, 'postprocess', () => mapToImageGrid(r.map, input.mapping));
  return {
    map,
    rows: frame.rows,
    columns: frame.columns,
    score: r.score,
    mapRange: valueRange(map),
    modelMap: r.map,
    mapping: input.mapping,
    ...(input.window ? { window: input.window } : {}),
    provider: bundle.provider,
    ...(bundle.demo ? { demoLabel: DEMO_MODEL_LABEL } : {}),
  };
}
