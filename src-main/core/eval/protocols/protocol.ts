/**
 * What an evaluation protocol fixes (issue 15, algorithms.md §7.7, §8 risks 5
 * and 6): the paper's data layout and split, its k and seed, the method and
 * its preprocessing chain, its model-selection rule next to the honest one,
 * its metrics, and any transductive normalisation. One file per protocol next
 * to this one, registered in index.ts; `clipscan eval --protocol <id>` runs it.
 * `differences` says where a ClipScan run of the protocol is not the paper's.
 */

export type ProtocolId = 'mediclip' | 'madclip' | 'mvfa';

/** Dataset layouts the readers know: MediCLIP's JSON splits (dataset.ts) and MVFA's folders with few-shot lists (mvfa-layout.ts). */
export type DatasetLayout = 'mediclip-json' | 'mvfa-folders';

export interface ProtocolPreprocessing {
  /** PIL resize filter of the test images (8-bit, exact). */
  readonly resize: 'bilinear' | 'bicubic';
  /** The side the paper resizes to; maps, masks and pixel metrics are computed at this side. */
  readonly size: number;
  /** OpenAI mean/std normalisation after ToTensor. */
  readonly normalise: boolean;
  /** A mask pixel is a lesion when its 'L' value after NEAREST resize is above this (MediCLIP: > 0; MVFA/MadCLIP: ToTensor > 0.5, i.e. > 127). */
  readonly maskAbove: number;
  /** The chain in words. */
  readonly description: string;
}

export interface EvalProtocol {
  readonly id: ProtocolId;
  /** The paper's method name in messages, e.g. 'MediCLIP'. */
  readonly name: string;
  /** e.g. 'MediCLIP (MICCAI 2024)'. */
  readonly label: string;
  /** The reference code the protocol follows. */
  readonly reference: string;
  /** The method id it evaluates (a training method registered in core/training/methods). */
  readonly method: string;
  readonly layout: {
    /** The paper's own layout. */
    readonly native: DatasetLayout;
    /** How the split is read, in words. */
    readonly split: string;
    /** MVFA layout: the few-shot list file name for k, e.g. `4-shot.txt`. */
    readonly fewShotFile?: (shots: number) => string;
    /** MVFA layout: names in the list with these endings are used, others skipped (as the reference does). */
    readonly listExtensions?: readonly string[];
    /** Iterate of the few-shot list (only 0 is shipped). */
    readonly iterate?: number;
    /** What the protocol does on the other layout; null when it refuses it. */
    readonly onOtherLayout: string | null;
  };
  /** The paper's k values; the first one listed as `default` is used without --shots. */
  readonly shots: { readonly allowed: readonly number[]; readonly default: number };
  /** The seeds of the paper's runs; the first is the default. */
  readonly seeds: readonly number[];
  /** The paper's epoch count (fewer with --epochs is a stated deviation). */
  readonly epochs: number;
  readonly preprocessing: ProtocolPreprocessing;
  readonly selection: {
    /** The paper's rule: evaluate on the test set after every epoch and keep the best (optimistic by construction, §8 risk 5). */
    readonly published: string;
    /** The honest rule ClipScan reports next to it: the last epoch. */
    readonly honest: string;
  };
  /** Metrics the paper reports, in words. */
  readonly metrics: readonly string[];
  /** Transductive normalisation over the whole test set (§8 risk 6); null when the paper uses none. */
  readonly transductive: null | {
    readonly what: string;
    /** Always true: the statistics come from every scored test image, so no image can be scored alone. */
    readonly needsWholeTestSet: true;
    /** Whether AUROC changes: a global min-max is monotone and leaves AUROC as it is; a fusion of two min-maxed maps does not. */
    readonly changesAuroc: boolean;
    /**
     * 'min-max': the final maps and scores rescaled over the test set; 'branch-fusion': two branches (a
     * text map and a memory map, with their image scores) each min-maxed over the test set, then averaged.
     */
    readonly kind: 'min-max' | 'branch-fusion';
    /** Whether the runner applies it (branch-fusion needs a scorer that gives both branches: `scoreParts`). */
    readonly appliedByRunner: boolean;
  };
  /** Where ClipScan's run of this protocol differs from the paper's code. */
  readonly differences: readonly string[];
}
