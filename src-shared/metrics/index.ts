/**
 * Evaluation metrics for anomaly detection (image AUROC, pixel AUROC, AUPRO,
 * F1-optimal threshold), exact and pure: typed arrays in, numbers out.
 */
export { imageAuroc, pixelAuroc } from './auroc';
export { aupro, type AuproOptions, type MaskMap, type ScoreMap } from './aupro';
export { f1OptimalThreshold, type F1Threshold } from './f1-threshold';
export { connectedComponents8, type Components } from './connected-components';
export { diceOf, overlapCounts, sumCounts, type OverlapCounts } from './dice';
