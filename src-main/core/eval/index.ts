/**
 * Evaluation harness (issue 6): MediCLIP-layout dataset reader, duplicate and
 * leak report, seeded few-shot sampler, and the runner behind `clipscan eval`.
 */
export { runEval, evalTestImage, type EvalOptions, type EvalReport, type EpochMetrics, type EvalProgress } from './runner';
export { readMediclipDataset, type MediclipDataset, type DatasetSample } from './dataset';
export { findDuplicates, pixelHash, fileHash, type DuplicateReport } from './duplicates';
export { sampleSupport, stratifiedLimit } from './sampler';
export { decodeImageFile, decodeImageBytes, resizePil, maskTo, toLuma, toRgb } from '../images/image-file';
