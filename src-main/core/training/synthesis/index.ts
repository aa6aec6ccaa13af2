/**
 * MediCLIP's anomaly synthesis (algorithms.md §2.5) and MadCLIP's
 * augmentation (§4.8): the public surface the trainer imports.
 *
 *   const rng = createRng(seed);
 *   const { image, mask, task } = synthesizeMediclip(supportGrey224, i, rng);
 *   const variants = madclipVariants(rgb240, drawColorJitter(rng), mask240);  // 16 variants
 */
export { synthesizeMediclip } from './mediclip';
export { madclipVariants, drawColorJitter, MADCLIP_VARIANT_NAMES, type FloatImage, type ColorJitter, type MadclipVariant } from './madclip';
export { MEDICLIP_TASKS, type MediclipTask, type SynthesisOptions, type SynthesisResult } from './types';
