/** The case log's public surface: open it, and the per-table repositories. */
export { explainCaseLogError, openCaseLog } from './open';
export type { CaseLog, OpenCaseLogOptions } from './open';
export type { Migration } from './migration';
export { FoldersRepository } from './repositories/folders';
export { StudiesRepository } from './repositories/studies';
export { SeriesRepository } from './repositories/series';
export { InstancesRepository } from './repositories/instances';
export { IndexErrorsRepository } from './repositories/index-errors';
