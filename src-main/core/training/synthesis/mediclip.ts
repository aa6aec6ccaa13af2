/**
 * MediCLIP's synthesis driver (algorithms.md §2.5.1): pick a task (0.25 each),
 * place 1 or 2 instances (stop after each with probability ½), apply the task,
 * label (CutPaste's labeller, else the binary union of instance masks), and
 * cast to uint8 by truncation (§2.1 step 3, §2.5.10).
 */
import type { Rng } from '../rng';
import { ClipScanError } from '../../../../src-shared/contract/errors';
import { MEDICLIP_TASKS, type MediclipTask, type Patch, type SynthesisOptions, type SynthesisResult } from './types';
import { deformedShape, perlinBlob } from './shapes';
import { cutPaste, gaussIntensityChange, sourceDeformation } from './tasks';
import { cutPasteLabel } from './labeller';

/** Size bounds (fractions of the side) per task, §2.5.1. */
export const TASK_BOUNDS: Readonly<Record<MediclipTask, readonly [number, number]>> = {
  cutpaste: [0.1, 0.6],
  gauss_intensity: [0.3, 0.8],
  source_deformation: [0.2, 0.6],
  identity: [0.3, 0.8],
};

/** Python's round() (half to even), used for the bounds. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function taskBounds(task: MediclipTask, size: number): [number, number] {
  const [a, b] = TASK_BOUNDS[task];
  return [roundHalfEven(a * size), roundHalfEven(b * size)];
}

/**
 * One synthetic training item from support image `index` (§2.5).
 * @param images the k support images, each size×size grey uint8 (CutPaste sources; the current one included)
 */
export function synthesizeMediclip(images: readonly Uint8Array[], index: number, rng: Rng, options: SynthesisOptions = {}): SynthesisResult {
  const size = options.size ?? 224;
  const n = size * size;
  const base = images[index];
  if (!base) throw new ClipScanError('SYNTHESIS_INPUT', `Support image index ${index} is out of range (have ${images.length}).`);
  for (const im of images) {
    if (im.length !== n) throw new ClipScanError('SYNTHESIS_INPUT', `Synthesis expects ${size}×${size} grey images (${n} values); got ${im.length}.`);
  }
  const task = options.task ?? (MEDICLIP_TASKS[rng.weightedIndex(options.probabilities ?? [0.25, 0.25, 0.25, 0.25])] as MediclipTask);
  const [lo, hi] = taskBounds(task, size);
  const image = Float64Array.from(base);
  const union = new Uint8Array(n);
  const instances: SynthesisResult['instances'] = [];
  const sources: number[] = [];
  for (let k = 0; k < 2; k++) {
    const shape: Patch = task === 'source_deformation' || task === 'identity' ? deformedShape(size, lo, hi, rng) : perlinBlob(lo, hi, rng);
    const row = rng.integer(0, size - shape.height);
    const col = rng.integer(0, size - shape.width);
    const at = { row, col };
    let keep = true;
    if (task === 'cutpaste') sources.push(cutPaste(image, size, at, shape, images, rng));
    else if (task === 'gauss_intensity') gaussIntensityChange(image, size, at, shape, rng);
    else if (task === 'source_deformation') sourceDeformation(image, size, at, shape as ReturnType<typeof deformedShape>, rng);
    else keep = false; // identity clears its instance mask
    if (keep) {
      for (let i = 0; i < shape.height; i++) {
        for (let j = 0; j < shape.width; j++) if (shape.data[i * shape.width + j]) union[(row + i) * size + col + j] = 1;
      }
    }
    instances.push({ row, col, height: shape.height, width: shape.width });
    if (rng.bernoulli(0.5)) break;
  }
  const mask = new Float32Array(n);
  if (task === 'cutpaste') mask.set(cutPasteLabel(image, base, union, size));
  else for (let i = 0; i < n; i++) mask[i] = union[i] as number;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.trunc(image[i] as number); // values already in 0..255
  return task === 'cutpaste' ? { image: out, mask, task, instances, sources } : { image: out, mask, task, instances };
}
