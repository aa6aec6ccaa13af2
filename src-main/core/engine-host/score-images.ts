/**
 * The engine host's `scoreImages` method: decode each requested frame in Node,
 * score it with the chosen method on the bundle's ONNX sessions, and report
 * each image as soon as it is done (its map at the image grid, or a readable
 * per-image error). Stops between images when cancelled.
 */
import { ClipScanError, toWireError } from '../../../src-shared/contract/errors';
import { readRegularFile } from '../files/regular-file';
import type { HostMethods } from '../engine-client/protocol';
import type { HostState } from './host-state';

export async function scoreImages(
  state: HostState,
  params: HostMethods['scoreImages']['params'],
  context: { progress: (data: HostMethods['scoreImages']['progress']) => void; signal: AbortSignal },
): Promise<HostMethods['scoreImages']['result']> {
  const decoder = await state.decoder();
  const eng = state.engine(params.threads, params.providers);
  const bundle = await eng.loadBundle(params.bundleDir, { precision: params.precision ?? 'fp32' });
  let scored = 0;
  let failed = 0;
  for (const image of params.images) {
    if (context.signal.aborted) throw new ClipScanError('CANCELLED', 'The scan was cancelled.');
    try {
      const bytes = new Uint8Array(await readRegularFile(image.path));
      const frame = await decoder.decode(bytes, image.frameIndex);
      const result = await eng.scoreFrame(bundle, params.method, frame, {
        signal: context.signal,
        organ: image.organ ?? undefined,
        ...(params.adapterDir ? { adapterDir: params.adapterDir } : {}),
      });
      context.progress({
        key: image.key,
        ok: true,
        score: result.score,
        rows: frame.rows,
        columns: frame.columns,
        map: result.map,
        mapMin: result.mapRange[0],
        mapMax: result.mapRange[1],
      });
      scored++;
    } catch (err) {
      if (context.signal.aborted) throw new ClipScanError('CANCELLED', 'The scan was cancelled.');
      context.progress({ key: image.key, ok: false, error: toWireError(err) });
      failed++;
    }
  }
  return { provider: bundle.provider, fallbackReason: bundle.fallbackReason ?? null, scored, failed };
}
