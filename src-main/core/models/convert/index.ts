/**
 * Checkpoint → model bundle converter (issue 11): turns a CLIP checkpoint into a
 * ClipScan bundle equal to what `models/export` writes for the same weights and
 * options, with no Python at run time. Runs in the engine host (a worker).
 *
 *   const manifest = await convertCheckpoint({
 *     input: '~/.cache/clip/ViT-L-14.pt',      // .pt (TorchScript or torch.save), model.safetensors, or an HF folder
 *     outDir: '<models>/.staging/vit-l-14',     // must not exist; written atomically (temp dir + rename)
 *     variant: 'ViT-L-14',                       // or 'ViT-B-16', 'ViT-L-14-336', 'tiny' (tests), 'auto'
 *     onProgress: (p) => …, signal,
 *   });
 *
 * Errors are `ConvertError` (a ClipScanError with a stable code); on any error
 * or cancel nothing is left at `outDir` and the temporary folder is removed.
 */
import type { ModelBundleManifest } from '../../../../src-shared/domain/model-bundle';
import { ClipScanError } from '../../../../src-shared/contract/errors';

/** Architectures the converter has graph templates for. */
export type ConvertArch = 'ViT-B-16' | 'ViT-L-14' | 'ViT-L-14-336' | 'tiny-ViT-16';

/**
 * A bundle variant: the architecture plus the conventions of the methods that
 * use it (models/README.md table). `ViT-L-14-336` runs at 240 px with exact GELU
 * and no pixel normalisation (MadCLIP/MVFA); the others at native size,
 * QuickGELU, CLIP mean/std (MediCLIP, zero-shot). 'auto' picks by the checkpoint.
 */
export type ConvertVariant = 'ViT-B-16' | 'ViT-L-14' | 'ViT-L-14-336' | 'tiny' | 'auto';

export interface ConvertProgress {
  /** 'read' (checkpoint index), 'vision', 'text', 'training', 'tokenizer', 'verify'. */
  stage: string;
  done: number;
  total: number;
}

export interface ConvertOptions {
  /** A `.pt` (TorchScript archive or torch.save zip), a `model.safetensors`, or a Hugging Face folder holding one. */
  input: string;
  /** Bundle folder to create; must not exist yet. Temporary files go next to it. */
  outDir: string;
  variant: ConvertVariant;
  /** Manifest identity; defaults as export.py (`openai-clip-<arch>`, version '1', …). */
  id?: string;
  version?: string;
  displayName?: string;
  licence?: string;
  /** Include the train/*.onnx loss+gradient graphs (default true, as export.py). */
  training?: boolean;
  onProgress?: (p: ConvertProgress) => void;
  signal?: AbortSignal;
}

export type ConvertErrorCode =
  | 'CONVERT_NOT_A_CHECKPOINT' // truncated / non-zip / unreadable
  | 'CONVERT_UNSAFE_PICKLE' // a pickle asking for anything other than tensor rebuilds and plain containers
  | 'CONVERT_BAD_SAFETENSORS' // header offsets or sizes lie
  | 'CONVERT_UNSUPPORTED_ARCH' // e.g. "ResNet-50 CLIP is not supported"
  | 'CONVERT_MISMATCH' // checkpoint does not match the requested variant
  | 'DISK_FULL'
  | 'CANCELLED';

export class ConvertError extends ClipScanError {
  constructor(code: ConvertErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ConvertError';
  }
}

export async function convertCheckpoint(options: ConvertOptions): Promise<ModelBundleManifest> {
  void options;
  throw new Error('not implemented yet');
}
