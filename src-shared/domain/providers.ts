/**
 * The execution providers a build of ClipScan contains (issue 17): what the
 * Models tab shows, so a user can tell a CPU-only build from a GPU release
 * build before running anything; and where the user wants scans to run.
 */
import { z } from 'zod';

export const BuildProviderSchema = z.object({
  /** onnxruntime-node's name: cpu, cuda, tensorrt, webgpu, dml, coreml. */
  name: z.string(),
  /** Its libraries are in this build (bundled in the npm package, or installed beside it by a GPU release build). */
  included: z.boolean(),
  /** This platform tries it before CPU. */
  preferred: z.boolean(),
});
export type BuildProvider = z.infer<typeof BuildProviderSchema>;

/**
 * Where scans run: 'auto' tries the platform's GPU provider first (or CLIPSCAN_PROVIDERS' list),
 * 'cpu' runs on the CPU alone (a slow integrated GPU, or a check against GPU results).
 */
export const ProviderChoiceSchema = z.enum(['auto', 'cpu']);
export type ProviderChoice = z.infer<typeof ProviderChoiceSchema>;
