/**
 * The input chain each method feeds its network: the resize filter and the
 * normalisation belong to the method, not to the bundle (issue 15); each
 * adapter method declares its own (`AdapterGraphs.input`, in its folder). Every
 * reference hands PIL a uint8 image, so every chain is 8-bit: the frame is
 * quantised to uint8, resized with PIL's exact 8-bit arithmetic
 * (pil-resample.ts), then ToTensor (/255 in float32) and Normalize.
 *   zeroshot  CLIP's own transform: the bundle's filter (bicubic for OpenAI
 *             weights), size and mean/std.
 *   mediclip  MediCLIP's test transform (algorithms.md §2.1): RGB → resize
 *             S×S BILINEAR → ToTensor → Normalize(bundle mean/std). Its
 *             training pool resizes bilinear too (image8.ts toGrey224).
 *   madclip   MVFA/MadCLIP (§3.1, §4.1): RGB → resize S×S BICUBIC, straight
 *             from the original image → ToTensor, no normalisation.
 * The size stays the bundle's: the method picks its bundle (224 for MediCLIP's
 * ViT-L/14, 240 for MadCLIP's ViT-L/14-336).
 *
 *   const input = preprocessFrame(frame, methodPreprocess(graphs.input, manifest.preprocess), context);
 */
import type { PreprocessSpec } from './preprocess';

/** What a method asks of the input chain; the rest (size) is the bundle's. */
export interface InputChain {
  /** The resize filter, or 'bundle' for the bundle's own (CLIP's transform). */
  readonly resize: 'bilinear' | 'bicubic' | 'bundle';
  /** Normalise with the bundle's mean/std (false: [0, 1] pixels). */
  readonly normalise: boolean;
}

/** Zero-shot CLIP: the bundle's own transform. The adapter methods carry theirs in their graphs (training/methods/<id>). */
export const ZEROSHOT_INPUT: InputChain = { resize: 'bundle', normalise: true };

export interface MethodPreprocess extends PreprocessSpec {
  /** Quantise to uint8 and resize with PIL's 8-bit arithmetic (as the reference's PIL pipeline does). */
  eightBit: boolean;
}

export function methodPreprocess(chain: InputChain, bundle: PreprocessSpec): MethodPreprocess {
  return {
    ...bundle,
    ...(chain.resize === 'bundle' ? {} : { resize: chain.resize }),
    ...(chain.normalise ? {} : { mean: null, std: null }),
    eightBit: true,
  };
}
