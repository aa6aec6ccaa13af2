/** The model registry's public surface. */
export { ModelRegistry, modelsDirFor, toInstalledBundle, type DownloadOptions, type DownloadSource, type ModelRegistryOptions } from './registry';
export type { DownloadProgress } from './download';
export { readCatalog } from './catalog';
export { createModelHandlers } from './model-handlers';
export { convertCheckpoint, ConvertError, CONVERT_VARIANTS, type ConvertOptions, type ConvertProgress, type ConvertVariant } from './convert';
