/**
 * Public surface of the inference engine (the only module that imports
 * onnxruntime-node). The engine host uses `createEngine`; others import the
 * pure pieces they need (bundle checks, mapping, tokenizer).
 *
 *   import { createEngine, DEMO_MODEL_LABEL } from '../engine';
 */
export { createEngine, methodById, METHODS, type Engine, type EngineOptions, type ScoreOptions } from './engine';
export type { LoadedBundle } from './loaded-bundle';
export type { AnomalyMethod, AnomalyResult, ScoreContext } from './methods/anomaly-method';
export { openBundle, DEMO_MODEL_LABEL, type OpenedBundle } from './bundle';
export { defaultProviders, PLATFORM_PREFERENCE, type ProviderName } from './ort-runtime';
export { ClipTokenizer } from '../models/tokenizer';
export { gridMapping, mapToImageGrid, imageToModel, modelToImage, type GridMapping, type FitMode } from './grid-mapping';
export { preprocessFrame, type PreprocessOptions, type ModelInput } from './preprocess';
export { CT_WINDOW_PRESETS, chooseWindow, type WindowChoice, type ResolvedWindow } from './intensity';
export { promptEnsemble, subjectWord } from './methods/prompts';
