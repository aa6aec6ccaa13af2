/**
 * Shared types of MediCLIP's anomaly synthesis ("medsyn", algorithms.md §2.5)
 * and MadCLIP's augmentation (§4.8).
 */

export type MediclipTask = 'cutpaste' | 'gauss_intensity' | 'source_deformation' | 'identity';

/** The four shipped tasks with their probabilities (§2.1: 0.25 each). */
export const MEDICLIP_TASKS: readonly MediclipTask[] = ['cutpaste', 'gauss_intensity', 'source_deformation', 'identity'];

export interface SynthesisOptions {
  /** Side of the square grey images (224 in MediCLIP). Size bounds scale with it. */
  size?: number;
  /** Force one task instead of drawing it (tests, ablations). */
  task?: MediclipTask;
  /** Task probabilities in MEDICLIP_TASKS order; default 0.25 each. */
  probabilities?: readonly number[];
}

export interface SynthesisResult {
  /** size×size grey, 0..255, after the final truncating uint8 cast (§2.1 step 3). */
  image: Uint8Array;
  /** size×size label in [0, 1] (binary for every task; CutPaste ≈ binary, §2.5.9). */
  mask: Float32Array;
  task: MediclipTask;
  /** Per anomaly instance: patch box (row, col, height, width) in image pixels. 1 or 2 entries. */
  instances: { row: number; col: number; height: number; width: number }[];
  /** CutPaste only: index into `images` of each instance's source image. */
  sources?: number[];
}

/** A row-major boolean patch (1 = inside). */
export interface Patch {
  height: number;
  width: number;
  data: Uint8Array;
}
