/**
 * `clipscan train`: few-shot training of a MediCLIP, MadCLIP or MVFA adapter in the
 * engine host (a worker thread), with a progress bar, through the training
 * service the app uses; the adapter is written to
 * `<folder of the database>/adapters/<id>` and registered in the case log.
 * Run the same command again after an interruption: it resumes from the last
 * finished epoch. Support images: JPG/PNG files or DICOM files in the folders.
 *
 *   clipscan train --method mediclip --normal <folder> --shots 4 --seed 1 --epochs 20 [--model ID] [--json]
 *   clipscan train --method madclip --normal <folder> --abnormal <folder> [--masks <folder>] --organ brain ...
 *   clipscan train --method mvfa --normal <folder> --abnormal <folder> [--masks <folder>] --organ brain ...
 *   clipscan train --method mvfa --init-from <MVFA checkpoint .pth> --epochs 0 --normal … --abnormal …
 *     (the original MVFA code's adapters, kept as they are; only the memory bank is built from the support)
 *   options: --pool N (MediCLIP variants per image) --text-encoder faithful|fast --db FILE --threads N --out DIR
 *   --preset faithful|quick: the paper's schedule, or the labelled approximation that fits a time budget
 *   (training-preset.ts); --epochs and --text-encoder override a preset's values. Without a preset:
 *   the faithful text encoder and 20 epochs. The output says what ran, e.g.
 *   "Schedule: quick (approximation: causal text encoder, 17 of 60 epochs)".
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_MODEL_LABEL } from '../../../src-shared/domain/model-bundle';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { createBackend } from '../../core/services';
import { resolveDatabasePath } from '../../core/config/app-paths';
import { startEngineHostWorker } from '../../core/engine-client/engine-host-client';
import { trainingMethod } from '../../core/training/methods';
import { resolveTrainingSchedule } from '../../../src-shared/domain/training-preset';
import { createRng } from '../../core/training/rng';
import { locateDemoBundle } from '../install-layout';
import { createProgressBar } from '../terminal';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.dcm', '']);

function listImages(folder: string): string[] {
  const dir = path.resolve(folder);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new ClipScanError('BAD_ARGUMENTS', `${folder} is not a folder.`);
  return fs
    .readdirSync(dir)
    .filter((f) => !f.startsWith('.') && IMAGE_EXT.has(path.extname(f).toLowerCase()) && fs.statSync(path.join(dir, f)).isFile())
    .sort()
    .map((f) => path.join(dir, f));
}

/** K files drawn with the seed (sorted names, so the draw does not depend on the file system's order). */
function pick(files: string[], k: number | undefined, seed: number, label: string): string[] {
  if (k === undefined || k >= files.length) return files;
  return createRng(seed).split(`shots-${label}`).sample(files, k);
}

export async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      method: { type: 'string', default: 'mediclip' },
      normal: { type: 'string' },
      abnormal: { type: 'string' },
      masks: { type: 'string' },
      shots: { type: 'string' },
      seed: { type: 'string', default: '0' },
      epochs: { type: 'string' },
      preset: { type: 'string' },
      pool: { type: 'string' },
      'text-encoder': { type: 'string' },
      organ: { type: 'string' },
      model: { type: 'string' },
      out: { type: 'string' },
      db: { type: 'string' },
      threads: { type: 'string' },
      'init-from': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const method = trainingMethod(values.method);
  const schedule = resolveTrainingSchedule(
    { method: method.id, preset: values.preset, textEncoder: values['text-encoder'], epochs: values.epochs, minEpochs: values['init-from'] ? 0 : 1 },
    { textEncoder: 'faithful', epochs: 20 },
  );
  const { textEncoder, epochs } = schedule;
  if (!values.normal) throw new ClipScanError('BAD_ARGUMENTS', 'Give the normal support images: --normal <folder>.');
  if (method.learnsFromAbnormal && !values.abnormal) {
    throw new ClipScanError('BAD_ARGUMENTS', `${method.label} also needs abnormal support images: --abnormal <folder>.`);
  }
  const seed = Number(values.seed);
  const shots = values.shots ? Number(values.shots) : undefined;
  const normal = pick(listImages(values.normal), shots, seed, 'normal');
  if (normal.length === 0) throw new ClipScanError('NO_SUPPORT', `No images in ${values.normal}.`);
  const abnormal = values.abnormal
    ? pick(listImages(values.abnormal), shots, seed, 'abnormal').map((p) => {
        const stem = path.parse(p).name;
        const mask = values.masks ? (listImages(values.masks).find((m) => path.parse(m).name === stem) ?? null) : null;
        return { path: p, mask: mask ? { file: mask } : null };
      })
    : [];

  const databasePath = resolveDatabasePath({ db: values.db });
  const backend = createBackend({
    mode: 'browser',
    databasePath,
    allowedRoots: [],
    engineHost: () => startEngineHostWorker(),
    demoBundleDir: locateDemoBundle(),
  });
  const bar = createProgressBar(process.stderr, !values.json && process.stderr.isTTY === true);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const r = await backend.training.train(
      {
        method: method.id,
        modelId: values.model ?? null,
        normal,
        abnormal,
        seed,
        epochs,
        textEncoder,
        ...(values.out ? { outDir: path.resolve(values.out) } : {}),
        ...(values.pool ? { poolSize: Number(values.pool) } : {}),
        ...(values.organ ? { organ: values.organ } : {}),
        ...(values.threads ? { threads: Number(values.threads) } : {}),
        ...(values['init-from'] ? { initFrom: path.resolve(values['init-from']) } : {}),
      },
      {
        signal: controller.signal,
        onStep: (p) => bar.update((p.epoch - 1) * p.steps + p.step, p.epochs * p.steps, `epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}`),
      },
    );
    bar.finish();
    const m = r.manifest;
    if (values.json) {
      process.stdout.write(
        JSON.stringify({
          adapterId: m.id,
          adapterDir: r.adapterDir,
          method: method.id,
          model: m.bundle.id,
          demo: m.demo,
          ...(m.demo ? { warning: DEMO_MODEL_LABEL } : {}),
          shots: m.training.shots,
          seed,
          epochs,
          textEncoder,
          schedule: m.training.schedule ?? schedule.label,
          poolSize: m.training.poolSize,
          firstLoss: r.losses[0] ?? null,
          lastLoss: r.losses.at(-1) ?? null,
          resumedFromEpoch: r.resumedFromEpoch,
        }) + '\n',
      );
    } else {
      const first = r.losses[0];
      const last = r.losses.at(-1);
      process.stdout.write(
        `Adapter ${m.id} (${method.id}, model ${m.bundle.id}${m.demo ? `, ${DEMO_MODEL_LABEL}` : ''}): ${m.training.shots.normal} normal` +
          `${m.training.shots.abnormal ? ` + ${m.training.shots.abnormal} abnormal` : ''} images, ${epochs} epochs, ${first === undefined ? 'no training steps' : `loss ${first.toFixed(4)} → ${last?.toFixed(4)}`}\n` +
          `Schedule: ${m.training.schedule ?? schedule.label}\n` +
          (r.resumedFromEpoch > 0 ? `Resumed an interrupted run after its epoch ${r.resumedFromEpoch}.\n` : '') +
          `Saved in ${r.adapterDir}\nScan with: clipscan scan <folder> --method ${method.id} --adapter ${m.id}\n`,
      );
    }
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await backend.close();
  }
}
