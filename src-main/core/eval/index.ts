/**
 * Evaluation harness (issue 6): MediCLIP-layout and MVFA-layout dataset
 * readers, duplicate and leak report, seeded few-shot sampler, the papers'
 * protocols (issue 15, protocols/) and the runner behind `clipscan eval`.
 */
export { runEval, evalTestImage, type EvalOptions, type EvalReport, type EpochMetrics, type EvalProgress } from './runner';
export type { ProtocolReport } from './protocol-data';
export { readMediclipDataset, type MediclipDataset, type DatasetSample } from './dataset';
export { findDuplicates, pixelHash, fileHash, type DuplicateReport } from './duplicates';
export { sampleSupport, stratifiedLimit } from './sampler';
export { readMvfaDataset, parseFewShotList, fewShotSupport, type MvfaDataset, type FewShotLists } from './mvfa-layout';
export { EVAL_PROTOCOLS, evalProtocol, resolveProtocolRun, protocolMethod, type EvalProtocol, type ProtocolRun } from './protocols';
export { decodeImageFile, decodeImageBytes, resizePil, maskTo, toLuma, toRgb } from '../images/image-file';
