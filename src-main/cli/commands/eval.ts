/**
 * (With --truth: a scanned series against its ground truth, see eval-truth.ts.)
 * `clipscan eval --data <set folder> --method zeroshot|mediclip|madclip|mvfa --shots K --seed S
 *   [--model ID|DIR] [--epochs N] [--preset faithful|quick] [--text-encoder faithful|fast] [--limit N] [--keep-leaks]
 *   [--organ WORD] [--precision fp32|int8] [--scorer fast|winclip] [--threads N] [--json]`
 *
 * `--preset quick` trains with the labelled approximate schedule (training-preset.ts:
 * the causal text encoder, MadCLIP also fewer epochs); `--epochs`/`--text-encoder`
 * override a preset's values. The report's `schedule` says what ran, e.g.
 * "quick (approximation: causal text encoder, 17 of 60 epochs)".
 *
 * `clipscan eval --data <set folder> --protocol mediclip|madclip|mvfa [--shots K] [--epochs N] [--limit N] [--fewshot <list>] [--model ID|DIR] [--json]`
 * runs a paper's own protocol (core/eval/protocols): its method, layout and
 * split (MVFA layout: the support named by --fewshot, the paper's
 * `<k>-shot.txt` / `my<k>-shot.txt`), its k, seed, chain and selection rule;
 * options it fixes are refused when they differ, and --epochs/--limit are
 * reported as deviations.
 *
 * `--precision int8` scores zero-shot with the bundle's int8 vision tower: run it
 * next to the default fp32 to check int8's AUROC on real weights (issue 17).
 *
 * Without --protocol: ClipScan's own protocol on a MediCLIP-layout set
 * (src-main/core/eval/runner.ts). Either way it prints a table (last epoch next
 * to best epoch, with the best epoch's number; with a protocol, the protocol's
 * lines above it), or with --json one object `{ protocol, method, shots, seed,
 * model, demo, epochs, last, best, trainSeconds, scoreSeconds, … }` with the
 * support files, duplicate/leak report, test counts and warnings. The demo
 * bundle is labelled as such.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { DEMO_MODEL_LABEL, VisionPrecisionSchema } from '../../../src-shared/domain/model-bundle';
import { evalProtocol, resolveProtocolRun, runEval, type EpochMetrics, type EvalReport, type ProtocolReport, type ProtocolRun } from '../../core/eval';
import { MethodIdSchema, scorerLabel, ZeroShotScorerSchema, type MethodId } from '../../../src-shared/domain/scan';
import { resolveTrainingSchedule } from '../../../src-shared/domain/training-preset';
import { createBackend } from '../../core/services';
import { resolveDatabasePath } from '../../core/config/app-paths';
import { locateDemoBundle } from '../install-layout';
import { createProgressBar, formatTable } from '../terminal';

const METHODS: readonly MethodId[] = MethodIdSchema.options;

function intOption(name: string, value: string | undefined, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new ClipScanError('BAD_ARGUMENTS', `--${name} must be an integer, got "${value}".`);
  return n;
}

async function resolveModel(model: string | undefined, db: string | undefined): Promise<string> {
  if (!model) {
    const demo = locateDemoBundle();
    if (!demo) throw new ClipScanError('NO_MODEL', 'No --model given and the demo bundle is missing.');
    return demo;
  }
  if (fs.existsSync(path.join(model, 'manifest.json'))) return path.resolve(model);
  const backend = createBackend({ mode: 'browser', databasePath: resolveDatabasePath({ db }), allowedRoots: [] });
  try {
    const list = await backend.handlers.models.list({});
    const hit = list.find((b) => b.id === model);
    if (!hit)
      throw new ClipScanError(
        'MODEL_NOT_INSTALLED',
        `No installed model bundle has the id "${model}" (and it is not a bundle folder). See "clipscan models list".`,
      );
    return hit.dir;
  } finally {
    await backend.close();
  }
}

const fmt = (v: number | null): string => (v === null ? '-' : v.toFixed(4));

function describeProtocol(p: ProtocolReport): string[] {
  const lines = [`Protocol ${p.id}: ${p.label}, after ${p.reference}`];
  lines.push(`Split (${p.layout}): ${p.split}${p.fewShotList ? `; list ${p.fewShotList}, iterate ${p.iterate}` : ''}`);
  lines.push(
    `Seed ${p.seed.run} (paper: ${p.seed.paper.join(', ')}); k ${p.shots.run} (paper: ${p.shots.paper.join(', ')}); epochs ${p.epochs.run} (paper: ${p.epochs.paper})`,
  );
  lines.push(`Paper's chain: ${p.preprocessing.description}; computed here at ${p.metricSide}×${p.metricSide}`);
  lines.push(`Selection: best = ${p.selection.published}; last = ${p.selection.honest} (the honest number)`);
  lines.push(
    p.transductive
      ? `Transductive: ${p.transductive.what}; needs the whole test set before any image is scored; ${p.transductive.appliedByRunner ? 'applied here' : "left to the method's scorer"}${p.transductive.changesAuroc ? '' : ' (does not change AUROC)'}`
      : 'Transductive normalisation: none',
  );
  for (const d of p.deviations) lines.push(`Deviation: ${d}`);
  for (const d of p.differences) lines.push(`Differs from the paper: ${d}`);
  return lines;
}

function describe(r: EvalReport): string {
  const lines: string[] = r.protocol ? describeProtocol(r.protocol) : [];
  lines.push(
    `Eval ${r.dataset.name}: method ${r.method}, ${r.shots}-shot, seed ${r.seed}, model ${r.model} ${r.modelVersion}, precision ${r.precision}${r.scorer ? `, scorer ${scorerLabel(r.scorer)}` : ''}${r.demo ? ` (${DEMO_MODEL_LABEL.toUpperCase()})` : ''}, epochs ${r.epochs}`,
  );
  if (r.schedule) lines.push(`Schedule: ${r.schedule}`);
  lines.push(`Support (normal, train split): ${r.support.normal.join(', ')}`);
  if (r.support.abnormal.length) lines.push(`Support (abnormal) from the ${r.support.abnormalSource ?? '?'}: ${r.support.abnormal.join(', ')}`);
  lines.push(`Scored: ${r.test.scored} test images (${r.test.normal} normal, ${r.test.abnormal} abnormal) of ${r.dataset.test}; image score = ${r.imageScore}`);
  lines.push(`Test images: ${r.preprocessing}`);
  const row = (name: string, e: EpochMetrics): (string | number)[] => [
    name,
    e.epoch,
    fmt(e.imageAuroc),
    fmt(e.pixelAuroc),
    fmt(e.aupro),
    fmt(e.threshold.value),
    fmt(e.threshold.f1),
  ];
  lines.push(
    formatTable(
      ['', 'epoch', 'image AUROC', 'pixel AUROC', 'AUPRO', 'F1 threshold', 'F1'],
      [row('last', r.last), row(r.bestIsLast ? 'best (= last)' : `best (on test, epoch ${r.best.epoch})`, r.best)],
    ),
  );
  lines.push(`Train ${r.trainSeconds.toFixed(1)} s, scoring ${r.scoreSeconds.toFixed(1)} s`);
  const d = r.duplicates;
  lines.push(
    `Duplicates: ${d.byFile.redundant} redundant copies in ${d.byFile.groups.length} groups by file bytes; ${d.byPixels.redundant} in ${d.byPixels.groups.length} by decoded pixels`,
  );
  if (d.byPixels.leaks.length) lines.push(`Train/test leaks (pixels): ${d.byPixels.leaks.map((l) => `${l.test} = ${l.train}`).join('; ')}`);
  lines.push(`Policy: ${d.policy}`);
  for (const w of r.warnings) lines.push(`Warning: ${w}`);
  return lines.join('\n') + '\n';
}

export async function evalCommand(argv: string[]): Promise<number> {
  if (argv.includes('--truth')) return (await import('./eval-truth')).evalTruthCommand(argv);
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      method: { type: 'string' },
      protocol: { type: 'string' },
      fewshot: { type: 'string' },
      shots: { type: 'string' },
      seed: { type: 'string' },
      model: { type: 'string' },
      epochs: { type: 'string' },
      preset: { type: 'string' },
      'text-encoder': { type: 'string' },
      limit: { type: 'string' },
      'keep-leaks': { type: 'boolean' },
      'adapter-dir': { type: 'string' },
      organ: { type: 'string' },
      precision: { type: 'string' },
      scorer: { type: 'string' },
      threads: { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!values.data)
    throw new ClipScanError(
      'BAD_ARGUMENTS',
      'Give the dataset folder with --data <folder> (MediCLIP layout: images/, samples/{train,test}.json; with --protocol also the MVFA layout).',
    );
  const precision = VisionPrecisionSchema.safeParse(values.precision ?? 'fp32');
  if (!precision.success) throw new ClipScanError('BAD_ARGUMENTS', `Unknown precision "${values.precision}": use fp32 (the default) or int8.`);
  const scorer = values.scorer === undefined ? undefined : ZeroShotScorerSchema.safeParse(values.scorer);
  if (scorer && !scorer.success) throw new ClipScanError('BAD_ARGUMENTS', `Unknown scorer "${values.scorer}": use fast (the default) or winclip.`);
  let protocol: ProtocolRun | undefined;
  if (values.protocol !== undefined) {
    protocol = resolveProtocolRun(evalProtocol(values.protocol), {
      method: values.method,
      shots: intOption('shots', values.shots),
      seed: intOption('seed', values.seed),
      epochs: intOption('epochs', values.epochs),
      limit: intOption('limit', values.limit),
      precision: values.precision,
    });
  } else if (values.fewshot !== undefined) throw new ClipScanError('BAD_ARGUMENTS', '--fewshot <list> goes with --protocol madclip or mvfa (the MVFA layout).');
  const method = protocol?.method ?? ((values.method ?? 'zeroshot') as MethodId);
  if (!METHODS.includes(method)) throw new ClipScanError('BAD_ARGUMENTS', `Unknown method "${values.method}": use ${METHODS.join(', ')}.`);
  if (protocol && (values.preset ?? 'faithful') !== 'faithful')
    throw new ClipScanError('BAD_ARGUMENTS', `--protocol ${protocol.protocol.id} trains the paper's schedule; drop --preset ${values.preset}.`);
  if (protocol && (values['text-encoder'] ?? 'faithful') !== 'faithful')
    throw new ClipScanError(
      'BAD_ARGUMENTS',
      `--protocol ${protocol.protocol.id} trains with the paper's text encoder; drop --text-encoder ${values['text-encoder']}.`,
    );
  // Trained methods: the preset's text encoder and epochs, or one epoch of the faithful encoder by default.
  const schedule =
    method === 'zeroshot'
      ? null
      : resolveTrainingSchedule(
          { method, preset: values.preset, textEncoder: values['text-encoder'], epochs: values.epochs },
          { textEncoder: 'faithful', epochs: 1 },
        );
  const shots = protocol?.shots ?? intOption('shots', values.shots);
  const seed = protocol?.seed ?? intOption('seed', values.seed);
  if (shots === undefined || seed === undefined)
    throw new ClipScanError('BAD_ARGUMENTS', '--shots K and --seed S are required (the support set is drawn with the seed), or --protocol ID.');
  const bundleDir = await resolveModel(values.model, values.db);
  const bar = createProgressBar(process.stderr, !values.json && process.stderr.isTTY === true);
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const report = await runEval({
      dataDir: values.data,
      method,
      shots,
      seed,
      bundleDir,
      epochs: protocol?.epochs ?? schedule?.epochs,
      ...(schedule ? { textEncoder: schedule.textEncoder } : {}),
      limit: intOption('limit', values.limit),
      keepLeaks: values['keep-leaks'] === true,
      organ: values.organ,
      precision: precision.data,
      ...(scorer ? { scorer: scorer.data } : {}),
      threads: intOption('threads', values.threads),
      adapterDir: values['adapter-dir'],
      ...(protocol ? { protocol } : {}),
      ...(values.fewshot ? { fewShotList: values.fewshot } : {}),
      signal: controller.signal,
      onProgress: (p) => bar.update(p.done, p.total, p.epoch !== undefined ? `${p.phase} (epoch ${p.epoch})` : p.phase),
    });
    bar.finish();
    process.stdout.write(values.json ? JSON.stringify(report) + '\n' : describe(report));
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
