/**
 * What a method that learns an adapter provides (MediCLIP, MadCLIP; MVFA next):
 * everything the training loop, the adapter import and the scorers need to know
 * about it, so that they never branch on its id. One folder per method under
 * core/training/methods, registered in index.ts; a new method is one new folder
 * and one line there (plus its graphs in models/export).
 *
 *   const method = trainingMethod('madclip');
 *   const session = await openTrainingSession(runtime, bundle, method.graphs, 'fast');
 *   session.setPrompts(method.prompts(method.organ('brain')));
 *   const pool = await method.buildPool(session, { normal, abnormal, poolSize, seed, spec });
 */
import type { TrainableMethod } from '../../../../src-shared/domain/scan';
import type { AdapterManifest } from '../../../../src-shared/domain/adapter-manifest';
import type { AdapterGraphs, HeadSession } from '../../engine/training-session';
import type { PromptSpec } from '../../engine/learned-prompts';
import type { PreprocessSpec } from '../../engine/preprocess';
import type { TrainingImage } from '../../images/image8';
import type { Rng } from '../rng';
import type { PoolEntry } from '../feature-pool';
import type { AbnormalSupport, TrainOptions, TrainResult } from '../trainer';

/** The support images and settings a method's feature pool is built from. */
export interface PoolInput {
  normal: readonly TrainingImage[];
  /** Empty unless the method learns from abnormal images. */
  abnormal: readonly AbnormalSupport[];
  /** Variants per support image (`TrainingMethod.poolSize`). */
  poolSize: number;
  seed: number;
  /** The bundle's preprocessing. */
  spec: PreprocessSpec;
  synthesis?: TrainOptions['synthesis'];
  signal?: AbortSignal;
}

/** How a checkpoint written by the paper's own code maps onto ClipScan's learnables (original-adapters.ts). */
export interface OriginalCheckpointFormat {
  /** Matches tensor names that only this method's checkpoints hold. */
  readonly mark: RegExp;
  /** Those names, for messages. */
  readonly markNames: string;
  /** A ClipScan learnable → the checkpoint's tensor name, and whether a 1×1 conv kernel folds to 2-D; null: no counterpart. */
  sourceOf(learnable: string): { source: string; squeeze: boolean } | null;
  /** The usual reasons a file of this method does not fit (another adapter type, another text mode). */
  hints(tensorNames: readonly string[]): string[];
}

export interface TrainingMethod {
  /** The id on the wire: contract, CLI, adapter.json. */
  readonly id: TrainableMethod;
  /** The name in messages, e.g. 'MediCLIP'. */
  readonly label: string;
  /** Its ONNX graphs, the taps they use and its head's image score (the engine runs them). */
  readonly graphs: AdapterGraphs;
  /** Learns from abnormal support images (with optional lesion masks) as well as normal ones, and needs at least one. */
  readonly learnsFromAbnormal: boolean;
  /** The organ word its prompts use and adapter.json records; undefined when its prompts have none. */
  organ(requested: string | undefined): string | undefined;
  /** Its learned prompts, in the order of the graph's prompt inputs. */
  prompts(organ: string | undefined): PromptSpec[];
  /** Variants per support image in the feature pool: the requested count, or the method's own. */
  poolSize(requested: number | undefined): number;
  /** The frozen-feature pool: its preprocessing and synthesis / augmentation of the support images, encoded once. */
  buildPool(session: HeadSession, input: PoolInput): Promise<PoolEntry[]>;
  /** The pool entries one epoch trains on, in order, drawn from that epoch's `rng`. */
  epochPicks(rng: Rng, poolLength: number, shots: number, poolSize: number): number[];
  /** Whether its head was trained with lesion masks (decides the image score, `graphs.imageScore`). */
  trainedWithMasks(abnormal: readonly AbnormalSupport[]): boolean;
  /** What adapter.json records as `training.synthesis`. */
  synthesisLabel(requested: TrainOptions['synthesis']): string;
  /** How its scores read: adapter.json `scoreNormalisation` and `defaultThreshold`. */
  scoring(withMasks: boolean): Pick<AdapterManifest, 'scoreNormalisation' | 'defaultThreshold'>;
  readonly original: OriginalCheckpointFormat;
  /** A method whose adapters change the vision forward (MVFA) brings its own loop instead of the pool loop of train-loop.ts. */
  readonly train?: (options: TrainOptions) => Promise<TrainResult>;
}
