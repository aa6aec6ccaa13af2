/**
 * The evaluation harness behind `clipscan eval` (issue 6): MediCLIP's protocol
 * on a MediCLIP-layout set, honestly reported.
 *   1. Read the splits; decode every image; report exact duplicates (file and
 *      pixel hashes) and train/test leaks. Leaked test images (pixels equal
 *      to a train image) are DROPPED from the scored set unless keepLeaks,
 *      in which case they are kept and flagged; duplicates inside the test
 *      split are kept (they are separate entries of the official split) and
 *      reported. Train duplicates are collapsed before the support draw.
 *   2. Draw the support set with the seed (sampler.ts). MadCLIP: k abnormal
 *      images from the test split, removed from the scored set.
 *   3. Optionally subsample the scored set (--limit, stratified, stated).
 *   4. zeroshot: score once. mediclip/madclip: train with trainAdapter and
 *      score the scored set at the end of EVERY epoch through its scorer;
 *      report the last epoch and the best epoch (reference selection: image
 *      AUROC, or mean of image and pixel AUROC with masks) side by side.
 * With a protocol (protocols/, `--protocol`): the paper's layout and split
 * (MediCLIP's JSON, or MVFA's folders with the support named by a few-shot
 * list), its k and seed (resolveProtocolRun), its mask threshold, its
 * transductive min-max when the runner can apply it, the official split scored
 * whole (leaks kept and flagged), and a `protocol` block in the report saying
 * what was fixed and where this run differs from the paper.
 * Test images follow the method's own chain (method-preprocess.ts), resized
 * once from the decoded file exactly as PIL does: RGB → S×S with the method's
 * filter (mediclip: 224 bilinear, §2.1; madclip: 240 bicubic, §4.1, never via
 * 224; zeroshot: the bundle's filter and size); maps and masks ('L' > 127 →
 * S×S nearest) are compared at that S. Support images go to the trainer
 * decoded, at full size (the trainer applies the method's train path).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { VisionPrecision } from '../../../src-shared/domain/model-bundle';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { DEMO_MODEL_LABEL, ModelBundleManifestSchema } from '../../../src-shared/domain/model-bundle';
import { createEngine } from '../engine';
import { image8ToFrame, type Image8 } from '../images/image8';
import { trainAdapter, type AbnormalSupport, type AdapterScorer, type BranchScores } from '../training/trainer';
import { trainingMethod } from '../training/methods';
import { DEFAULT_ZERO_SHOT_SCORER, type MethodId, type TextEncoderVariant, type ZeroShotScorer } from '../../../src-shared/domain/scan';
import { describeSchedule } from '../../../src-shared/domain/training-preset';
import type { DatasetSample } from './dataset';
import type { MvfaDataset } from './mvfa-layout';
import { listedSupport, protocolReport, readEvalSet, type ProtocolReport } from './protocol-data';
import type { DatasetLayout, ProtocolRun } from './protocols';
import { fuseBranches, minMaxOverTestSet } from './transductive';
import { decodeImageBytes, decodeImageFile, maskTo, resizePil, toLuma, toRgb } from '../images/image-file';
import { methodPreprocess, ZEROSHOT_INPUT, type InputChain } from '../engine/method-preprocess';
import type { PreprocessSpec } from '../engine/preprocess';
import { fileHash, findDuplicates, pixelHash, type DuplicateReport } from './duplicates';
import { byName, sampleSupport, stratifiedLimit, type SupportDraw } from './sampler';
import { bestOnTest, passMetrics, type PassMetrics, type ScoredImage } from './metrics';

/** The input chain of a method: zero-shot's is the bundle's, an adapter method's is in its graphs. */
const inputChainOf = (method: MethodId): InputChain => (method === 'zeroshot' ? ZEROSHOT_INPUT : trainingMethod(method).graphs.input);

/** The method's test-image chain in words (the report's `preprocessing`). */
function describeChain(method: MethodId, bundle: PreprocessSpec): string {
  const c = methodPreprocess(inputChainOf(method), bundle);
  const norm = c.mean ? 'Normalize(mean, std) in float32' : 'no normalisation';
  return `RGB uint8 → ${c.inputSize}×${c.inputSize} ${c.resize} (PIL 8-bit, exact) → /255 float32 → ${norm}; maps and masks compared at ${c.inputSize}×${c.inputSize}`;
}

/**
 * A test image as the method's reference scores it: RGB, resized once from the
 * decoded file to the method's S×S with its filter, exactly as PIL does.
 * Maps and masks are compared at that S×S grid.
 */
export function evalTestImage(method: MethodId, bundle: PreprocessSpec, image: Image8): Image8 {
  const chain = methodPreprocess(inputChainOf(method), bundle);
  return resizePil(toRgb(image), chain.inputSize, chain.inputSize, chain.resize);
}

export interface EvalProgress {
  phase: 'decode' | 'train' | 'score';
  done: number;
  total: number;
  epoch?: number;
}

export interface EvalOptions {
  dataDir: string;
  method: MethodId;
  shots: number;
  seed: number;
  bundleDir: string;
  /** Defaults to 1 for trained methods; ignored by zeroshot (0 epochs). */
  epochs?: number;
  /** Trained methods' text encoder (default faithful; 'fast' is an approximation, labelled in `schedule`). */
  textEncoder?: TextEncoderVariant;
  limit?: number;
  keepLeaks?: boolean;
  organ?: string;
  threads?: number;
  /** Vision tower for zero-shot scoring (issue 17): 'int8' checks the int8 tower's AUROC against fp32's. Default fp32. */
  precision?: VisionPrecision;
  /** Zero-shot scorer (issue 15): fast (default) or winclip. Only for method zeroshot. */
  scorer?: ZeroShotScorer;
  /** A paper's protocol applied to this run (resolveProtocolRun); method, shots, seed and epochs must be the run's. */
  protocol?: ProtocolRun;
  /** MVFA layout under a protocol: the few-shot list file naming the support images. */
  fewShotList?: string;
  /** Where the trained adapter is written; default: a temporary folder, removed afterwards. */
  adapterDir?: string;
  onProgress?(p: EvalProgress): void;
  signal?: AbortSignal;
}

export interface EpochMetrics extends PassMetrics {
  /** 0 for zeroshot (no training). */
  epoch: number;
  scoreSeconds: number;
}

export interface EvalReport {
  /** Null without --protocol (ClipScan's own protocol). */
  protocol: ProtocolReport | null;
  method: MethodId;
  shots: number;
  seed: number;
  model: string;
  modelVersion: string;
  /** The vision tower that scored. */
  precision: VisionPrecision;
  /** The zero-shot scorer; null for trained methods. */
  scorer: ZeroShotScorer | null;
  demo: boolean;
  demoLabel?: string;
  epochs: number;
  /** Trained methods: what the schedule approximates (training-preset.ts), e.g. 'quick (approximation: causal text encoder, 17 of 60 epochs)'; null for zeroshot. */
  schedule: string | null;
  textEncoder: TextEncoderVariant | null;
  last: EpochMetrics;
  best: EpochMetrics;
  bestIsLast: boolean;
  perEpoch: EpochMetrics[];
  trainSeconds: number;
  scoreSeconds: number;
  imageScore: string;
  /** The test-image chain, in words: filter, side, dtype round trips and normalisation. */
  preprocessing: string;
  /** `train` counts the support split: MediCLIP's train.json, or MVFA's valid folders. */
  dataset: { name: string; dir: string; layout: DatasetLayout; hasMasks: boolean; train: number; test: number };
  support: { normal: string[]; abnormal: string[]; abnormalSource: string | null; algorithm: string };
  test: {
    scored: number;
    normal: number;
    abnormal: number;
    removedAsSupport: string[];
    removedAsLeaks: string[];
    flaggedLeaks: string[];
    limit: number | null;
    limitNote: string | null;
  };
  duplicates: { byFile: DuplicateReport; byPixels: DuplicateReport; policy: string };
  adapterDir: string | null;
  warnings: string[];
}

interface Loaded {
  sample: DatasetSample;
  image: Image8;
  fileHash: string;
  pixelHash: string;
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new ClipScanError('CANCELLED', 'Evaluation cancelled.');
}

async function readBundleManifest(dir: string): Promise<{ id: string; version: string; demo: boolean; preprocess: PreprocessSpec }> {
  const text = await fs.readFile(path.join(dir, 'manifest.json'), 'utf8').catch((err: unknown) => {
    throw new ClipScanError('BUNDLE_NOT_FOUND', `No model bundle at ${dir} (manifest.json is missing).`, { cause: err });
  });
  const m = JSON.parse(text) as { id?: string; version?: string; demo?: boolean; preprocess?: unknown };
  const preprocess = ModelBundleManifestSchema.shape.preprocess.safeParse(m.preprocess);
  if (!preprocess.success) throw new ClipScanError('BUNDLE_INVALID', `${dir}/manifest.json has no valid "preprocess" block.`);
  return { id: String(m.id ?? path.basename(dir)), version: String(m.version ?? '?'), demo: m.demo === true, preprocess: preprocess.data };
}

export async function runEval(options: EvalOptions): Promise<EvalReport> {
  const { method, shots, seed } = options;
  const run = options.protocol;
  if (run && (run.method !== method || run.shots !== shots || run.seed !== seed || run.epochs !== options.epochs))
    throw new Error("runEval: method, shots, seed and epochs must be the protocol run's (resolveProtocolRun)");
  const warnings: string[] = [];
  const { set, layout, object } = await readEvalSet(options.dataDir, run);
  if (layout === 'mediclip-json' && options.fewShotList)
    throw new ClipScanError(
      'BAD_ARGUMENTS',
      `--fewshot is for the MVFA layout; ${set.dir} has MediCLIP's (samples/*.json), whose support is drawn with the seed.`,
    );
  // MVFA layout: the few-shot list names the support (read before any image is decoded, so a bad list fails fast)
  const listed = layout === 'mvfa-folders' && run ? await listedSupport(set as MvfaDataset, run, options.fewShotList) : null;
  const bundleInfo = await readBundleManifest(options.bundleDir);
  if (options.precision === 'int8' && method !== 'zeroshot') {
    throw new ClipScanError('BAD_ARGUMENTS', '--precision int8 is for zeroshot evaluation; adapters are trained and scored on the fp32 tower here.');
  }
  if (options.scorer && method !== 'zeroshot') throw new ClipScanError('BAD_ARGUMENTS', `--scorer is for --method zeroshot, not ${method}.`);
  const scorer = method === 'zeroshot' ? (options.scorer ?? DEFAULT_ZERO_SHOT_SCORER) : null;
  // a protocol scores the official split whole: leaked test images are kept and flagged
  const keepLeaks = run ? true : options.keepLeaks === true;
  const organ = options.organ ?? (object ? object.split('_')[0]?.toLowerCase() : undefined);

  // 1. Decode everything once: hashes for the duplicate report.
  const all = [...set.train, ...set.test];
  const loaded = new Map<string, Loaded>();
  let done = 0;
  for (const sample of all) {
    throwIfAborted(options.signal);
    const bytes = await fs.readFile(sample.path).catch((err: unknown) => {
      throw new ClipScanError('IMAGE_NOT_FOUND', `${set.name}: ${sample.filename} is listed in the ${sample.split} split but cannot be read.`, {
        cause: err,
      });
    });
    const u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const image = await decodeImageBytes(u8, sample.path);
    loaded.set(`${sample.split}:${sample.filename}`, { sample, image, fileHash: fileHash(u8), pixelHash: pixelHash(toRgb(image)) });
    options.onProgress?.({ phase: 'decode', done: ++done, total: all.length });
  }
  const get = (s: DatasetSample): Loaded => loaded.get(`${s.split}:${s.filename}`) as Loaded;
  const byFile = findDuplicates(all, (s) => get(s).fileHash);
  const byPixels = findDuplicates(all, (s) => get(s).pixelHash);

  // Train duplicates collapse onto the first member (train first, by name).
  const trainRedundant = new Set<string>();
  for (const g of byPixels.groups) {
    const trainFiles = g.files.filter((f) => set.train.some((s) => s.filename === f));
    for (const f of trainFiles.slice(1)) trainRedundant.add(f);
  }
  if (trainRedundant.size)
    warnings.push(
      `${trainRedundant.size} train image(s) are pixel duplicates of another train image and are not drawn as support: ${[...trainRedundant].join(', ')}.`,
    );
  const leakedTest = new Set(byPixels.leaks.map((l) => l.test));

  // 2. Support: named by the protocol's few-shot list (MVFA layout), or drawn with the seed.
  const learnsFromAbnormal = method !== 'zeroshot' && trainingMethod(method).learnsFromAbnormal;
  let support: SupportDraw;
  let abnormalSource: string | null = null;
  if (listed) {
    support = { normal: listed.support.normal, abnormal: learnsFromAbnormal ? listed.support.abnormal : [] };
    if (listed.warning) warnings.push(listed.warning);
    if (learnsFromAbnormal) abnormalSource = 'valid split (named by the few-shot list)';
  } else {
    // a method that learns from abnormal images draws them from the test split
    support = sampleSupport(set.train, set.test, { shots, seed, abnormalShots: learnsFromAbnormal ? shots : 0, exclude: trainRedundant });
    if (learnsFromAbnormal) abnormalSource = 'test split (removed from the scored set)';
  }
  // only abnormal images drawn from the test split leave the scored set
  const supportAbnormal = new Set(support.abnormal.filter((s) => s.split === 'test').map((s) => s.filename));

  // 3. Scored set.
  let scored = set.test.filter((s) => !supportAbnormal.has(s.filename));
  const removedAsLeaks: string[] = [];
  const flaggedLeaks: string[] = [];
  for (const s of scored) if (leakedTest.has(s.filename)) (keepLeaks ? flaggedLeaks : removedAsLeaks).push(s.filename);
  const numeric = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });
  removedAsLeaks.sort(numeric);
  flaggedLeaks.sort(numeric);
  if (!keepLeaks) scored = scored.filter((s) => !leakedTest.has(s.filename));
  else if (flaggedLeaks.length)
    warnings.push(
      `Kept ${flaggedLeaks.length} test image(s) identical to train images (${run ? 'the official split is scored whole' : '--keep-leaks'}): ${flaggedLeaks.join(', ')}.`,
    );
  const supportNormalSet = new Set(support.normal.map((s) => get(s).pixelHash));
  const leakedSupport = scored.filter((s) => supportNormalSet.has(get(s).pixelHash)).map((s) => s.filename);
  if (leakedSupport.length) warnings.push(`Scored test image(s) identical to a support image: ${leakedSupport.join(', ')}.`);
  let limitNote: string | null = null;
  if (options.limit !== undefined && options.limit < scored.length) {
    const before = scored.length;
    scored = stratifiedLimit(scored, options.limit, seed);
    limitNote = `--limit ${options.limit}: stratified subsample of ${scored.length} of ${before} scored test images (seed ${seed}); metrics are on this subsample, not the whole test split.`;
    warnings.push(limitNote);
  } else scored = scored.slice().sort(byName);
  if (!scored.some((s) => s.label === 0) || !scored.some((s) => s.label === 1))
    throw new ClipScanError('BAD_ARGUMENTS', 'The scored set needs normal and abnormal images.');

  // The method's test path and masks, at its side.
  const withPixels = set.hasMasks;
  const side = methodPreprocess(inputChainOf(method), bundleInfo.preprocess).inputSize;
  const maskAbove = run?.protocol.preprocessing.maskAbove ?? 127;
  const testImages: { sample: DatasetSample; image: Image8; mask: Uint8Array | null }[] = [];
  for (const s of scored) {
    const image = evalTestImage(method, bundleInfo.preprocess, get(s).image);
    let mask: Uint8Array | null = null;
    if (withPixels) mask = s.maskPath ? maskTo(await decodeImageFile(s.maskPath), side, side, maskAbove) : new Uint8Array(side * side);
    if (s.label === 1 && withPixels && !s.maskPath) warnings.push(`${s.filename} is abnormal but has no mask; it counts as all-normal pixels.`);
    testImages.push({ sample: s, image, mask });
  }

  const scorePass = async (score: (img: Image8) => Promise<{ map: Float32Array; score: number }>, epoch: number): Promise<EpochMetrics> => {
    const t0 = performance.now();
    const items: ScoredImage[] = [];
    let k = 0;
    for (const t of testImages) {
      throwIfAborted(options.signal);
      const r = await score(t.image);
      if (withPixels && r.map.length !== side * side) throw new Error(`map of ${r.map.length} values for a ${side}² image`);
      items.push({ label: t.sample.label, score: r.score, map: withPixels ? r.map : null, mask: t.mask });
      options.onProgress?.({ phase: 'score', done: ++k, total: testImages.length, epoch });
    }
    const transductive = run?.protocol.transductive?.appliedByRunner === true;
    const m = passMetrics(transductive ? minMaxOverTestSet(items, 1e-4) : items, side, withPixels);
    return { epoch, ...m, scoreSeconds: (performance.now() - t0) / 1000 };
  };

  // A branch-fusion protocol (MVFA): both branches of every test image first, then the fusion over the set.
  const fusedPass = async (parts: (img: Image8) => Promise<BranchScores>, epoch: number): Promise<EpochMetrics> => {
    const t0 = performance.now();
    const scoredParts: BranchScores[] = [];
    for (const t of testImages) {
      throwIfAborted(options.signal);
      scoredParts.push(await parts(t.image));
      options.onProgress?.({ phase: 'score', done: scoredParts.length, total: testImages.length, epoch });
    }
    const items = fuseBranches(
      scoredParts,
      testImages.map((t) => ({ label: t.sample.label, mask: t.mask })),
      withPixels,
    );
    return { epoch, ...passMetrics(items, side, withPixels), scoreSeconds: (performance.now() - t0) / 1000 };
  };
  const fusesBranches = run?.protocol.transductive?.kind === 'branch-fusion';

  const perEpoch: EpochMetrics[] = [];
  let trainSeconds = 0;
  let epochs = 0;
  let adapterDir: string | null = null;
  let imageScore: string;
  if (method === 'zeroshot') {
    imageScore = "the zeroshot method's image score (engine.scoreFrame)";
    const engine = createEngine({ threads: options.threads });
    try {
      const bundle = await engine.loadBundle(options.bundleDir, { precision: options.precision ?? 'fp32' });
      perEpoch.push(
        await scorePass(async (img) => {
          const r = await engine.scoreFrame(bundle, 'zeroshot', image8ToFrame(img), {
            ...(organ ? { organ } : {}),
            ...(scorer ? { scorer } : {}),
            signal: options.signal,
          });
          return { map: r.map, score: r.score };
        }, 0),
      );
    } finally {
      await engine.release();
    }
  } else {
    imageScore = "the trained adapter's image score (AdapterScorer.score)";
    epochs = options.epochs ?? 1;
    if (!Number.isInteger(epochs) || epochs < 1) throw new ClipScanError('BAD_ARGUMENTS', `--epochs must be a positive integer, got ${epochs}.`);
    const tmp = options.adapterDir ? null : await fs.mkdtemp(path.join(os.tmpdir(), 'clipscan-eval-'));
    const outDir = options.adapterDir ?? path.join(tmp as string, 'adapter');
    const abnormal: AbnormalSupport[] = [];
    for (const s of support.abnormal) {
      let mask: Float32Array | null = null;
      if (s.maskPath) {
        const m = await decodeImageFile(s.maskPath);
        const luma = toLuma(m);
        mask = Float32Array.from(luma, (v) => (v > 127 ? 1 : 0));
      }
      abnormal.push({ image: get(s).image, mask });
    }
    const t0 = performance.now();
    let inEpochScoring = 0;
    try {
      const result = await trainAdapter({
        method,
        bundleDir: options.bundleDir,
        support: { normal: support.normal.map((s) => get(s).image), ...(learnsFromAbnormal ? { abnormal } : {}) },
        seed,
        epochs,
        outDir,
        textEncoder: options.textEncoder ?? 'faithful',
        ...(organ ? { organ } : {}),
        ...(options.threads ? { threads: options.threads } : {}),
        onProgress: (p) => options.onProgress?.({ phase: 'train', done: p.step, total: p.steps, epoch: p.epoch }),
        onEpochEnd: async (epoch: number, scorer: AdapterScorer) => {
          const s0 = performance.now();
          const scoreParts = scorer.scoreParts?.bind(scorer);
          if (fusesBranches && !scoreParts) throw new ClipScanError('EVAL_FAILED', `The ${method} scorer gives no branch parts for the protocol's fusion.`);
          perEpoch.push(await (fusesBranches && scoreParts ? fusedPass(scoreParts, epoch) : scorePass(async (img) => scorer.score(img), epoch)));
          inEpochScoring += performance.now() - s0;
        },
        signal: options.signal,
      });
      adapterDir = options.adapterDir ? result.adapterDir : null;
      if (perEpoch.length === 0) throw new ClipScanError('EVAL_FAILED', 'The trainer finished without calling onEpochEnd; nothing was scored.');
      if (result.lastEpoch !== perEpoch[perEpoch.length - 1]?.epoch)
        warnings.push(`The trainer's last epoch (${result.lastEpoch}) differs from the last scored epoch.`);
    } finally {
      trainSeconds = (performance.now() - t0 - inEpochScoring) / 1000;
      if (tmp) await fs.rm(tmp, { recursive: true, force: true });
    }
  }

  const last = perEpoch[perEpoch.length - 1] as EpochMetrics;
  const best = bestOnTest(perEpoch);
  if (bundleInfo.demo) warnings.unshift(`Model ${bundleInfo.id}: ${DEMO_MODEL_LABEL}; these numbers measure nothing about anomaly detection.`);
  if (perEpoch.length > 1)
    warnings.push(
      '"best" is selected on the scored test images themselves (the reference protocol); it is optimistic by construction. Report "last" as the honest number.',
    );

  const protocol = run
    ? protocolReport(run, {
        layout,
        side,
        bundleId: bundleInfo.id,
        chain: methodPreprocess(inputChainOf(method), bundleInfo.preprocess),
        fewShotList: options.fewShotList,
      })
    : null;

  return {
    protocol,
    method,
    shots,
    seed,
    model: bundleInfo.id,
    precision: options.precision ?? 'fp32',
    scorer,
    modelVersion: bundleInfo.version,
    demo: bundleInfo.demo,
    ...(bundleInfo.demo ? { demoLabel: DEMO_MODEL_LABEL } : {}),
    epochs,
    schedule: method === 'zeroshot' ? null : describeSchedule(method, options.textEncoder ?? 'faithful', epochs).label,
    textEncoder: method === 'zeroshot' ? null : (options.textEncoder ?? 'faithful'),
    last,
    best,
    bestIsLast: best === last,
    perEpoch,
    trainSeconds,
    scoreSeconds: perEpoch.reduce((a, e) => a + e.scoreSeconds, 0),
    imageScore,
    preprocessing: describeChain(method, bundleInfo.preprocess),
    dataset: { name: set.name, dir: set.dir, layout, hasMasks: set.hasMasks, train: set.train.length, test: set.test.length },
    support: {
      normal: support.normal.map((s) => s.filename),
      abnormal: support.abnormal.map((s) => s.filename),
      abnormalSource,
      algorithm:
        layout === 'mvfa-folders'
          ? `the first k names of the n-${run?.protocol.layout.iterate ?? 0}: and a-${run?.protocol.layout.iterate ?? 0}: lines of the few-shot list, in valid/{good,Ungood}/img`
          : 'createRng(seed).split("normal-support").sample(distinct train images sorted by name, k); madclip: createRng(seed).split("abnormal-support").sample(test abnormal images sorted by name, k)',
    },
    test: {
      scored: testImages.length,
      normal: testImages.filter((t) => t.sample.label === 0).length,
      abnormal: testImages.filter((t) => t.sample.label === 1).length,
      removedAsSupport: [...supportAbnormal],
      removedAsLeaks: removedAsLeaks,
      flaggedLeaks,
      limit: options.limit ?? null,
      limitNote,
    },
    duplicates: {
      byFile,
      byPixels,
      policy: keepLeaks
        ? `test images with the pixels of a train image are kept and flagged (${run ? 'the official split is scored whole' : '--keep-leaks'}); other duplicates are reported and kept; train duplicates are not drawn twice`
        : 'test images with the pixels of a train image are removed from the scored set; other duplicates are reported and kept; train duplicates are not drawn twice',
    },
    adapterDir,
    warnings,
  };
}
