/**
 * Whether a bundle has WinCLIP's window graph (manifest `vision.windows`, issue
 * 15), with one readable error for bundles made before it. Free of onnxruntime,
 * so the scan service can check a request before anything is loaded.
 *
 *   const { file, layers } = windowGraph(manifest);   // throws NO_WINDOW_GRAPH
 */
import type { ModelBundleManifest } from '../../../src-shared/domain/model-bundle';
import { ClipScanError } from '../../../src-shared/contract/errors';

export const NO_WINDOW_GRAPH = 'NO_WINDOW_GRAPH';

/** The bundle's window graph, or a clear error for a bundle exported before issue 15. */
export function windowGraph(m: ModelBundleManifest): { file: string; layers: number[] } {
  if (!m.vision.windows) {
    throw new ClipScanError(
      NO_WINDOW_GRAPH,
      `The model ${m.id} has no WinCLIP window graph (vision-windows.onnx); re-export or re-convert it with this ClipScan version, or scan with the fast zero-shot scorer (--scorer fast).`,
    );
  }
  return m.vision.windows;
}
