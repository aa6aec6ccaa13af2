/**
 * The contract handlers for training in the app: `training.start` runs the
 * engine host's `train` method in the background on the marked images (DICOM
 * files; the host decodes their first frame; painted lesion masks are handed
 * over as PNG files), registers the adapter in the case
 * log when it finishes, and reports every step as `training.progress`;
 * `training.cancel` aborts it; `models.adapters` lists the trained adapters.
 *
 *   training: createTrainingHandlers({ engineHost, roots, resolveBundle, adapters, adaptersDir, emit })
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { HandlersFor } from '../../../src-shared/contract/define';
import type { EventSink } from '../../../src-shared/contract/server';
import type { AdapterSummary, LesionMask, TrainingProgress, trainingCalls } from '../../../src-shared/contract/training-calls';
import { encodePng } from '../reports/png-export';
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { AllowedRoots } from '../files/allowed-roots';
import type { EngineHost } from '../engine-host/protocol';
import type { ResolvedBundle } from '../scan/bundle-resolver';
import type { AdapterManifest } from './adapter-manifest';
import type { RegisteredAdapter } from './adapter-registry';

export interface TrainingHandlerDeps {
  engineHost: () => EngineHost;
  roots: AllowedRoots;
  resolveBundle: (modelId: string | null | undefined) => Promise<ResolvedBundle>;
  adapters: { register(manifest: AdapterManifest, adapterDir: string, bundleDir: string): void; list(): RegisteredAdapter[] };
  /** Where new adapter folders go (`<folder of the database>/adapters`). */
  adaptersDir: string;
  emit?: EventSink;
  threads?: number;
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

export function summarise(a: RegisteredAdapter): AdapterSummary {
  const t = a.manifest.training;
  return {
    id: a.id, method: a.method, bundleId: a.bundleId, bundleVersion: a.bundleVersion, demo: a.manifest.demo,
    shots: { normal: t.shots.normal, abnormal: t.shots.abnormal }, epochs: t.epochs, seed: t.seed, textEncoder: t.textEncoder,
    lastLoss: t.losses.at(-1) ?? null, createdAt: a.createdAt,
  };
}

/** Writes a run-length lesion mask as a black/white PNG (what the engine host's train method reads). */
async function writeMaskPng(mask: LesionMask, file: string): Promise<void> {
  const total = mask.rows * mask.columns;
  const data = new Uint8Array(total * 4);
  let at = 0;
  mask.runs.forEach((length, i) => {
    const v = i % 2 === 1 ? 255 : 0;
    for (let k = 0; k < length && at < total; k++, at++) data.fill(v, at * 4, at * 4 + 3);
  });
  if (at !== total) throw new ClipScanError('BAD_ARGUMENTS', `A lesion mask covers ${at} pixels; the image has ${total}.`);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  await fs.writeFile(file, encodePng({ width: mask.columns, height: mask.rows, data }));
}

export function createTrainingHandlers(deps: TrainingHandlerDeps): HandlersFor<typeof trainingCalls> {
  const running = new Map<number, AbortController>();
  let nextJob = 1;

  async function resolveImages(refs: { path: string; frame: number }[], label: string): Promise<string[]> {
    return Promise.all(refs.map(async (r) => {
      if (r.frame !== 0) {
        throw new ClipScanError('BAD_ARGUMENTS', `${path.basename(r.path)}, frame ${r.frame + 1}: training reads the first frame of each file; mark single-frame images as ${label}.`);
      }
      return deps.roots.resolve(r.path);
    }));
  }

  return {
    start: async (args) => {
      const abnormalRefs = args.abnormal ?? [];
      if (args.method === 'madclip' && abnormalRefs.length === 0) {
        throw new ClipScanError('NO_SUPPORT', 'MadCLIP learns from normal and abnormal images: mark at least one image as abnormal.');
      }
      const normal = await resolveImages(args.normal, 'normal');
      const abnormal = args.method === 'madclip' ? await resolveImages(abnormalRefs, 'abnormal') : [];
      const bundle = await deps.resolveBundle(args.modelId);
      const jobId = nextJob++;
      // Painted masks go to a temporary folder as PNG files for the host; removed when the job ends.
      const masksDir = await fs.mkdtemp(path.join(os.tmpdir(), 'clipscan-masks-'));
      const maskPaths = await Promise.all(abnormalRefs.map(async (r, i) => {
        if (args.method !== 'madclip' || !r.mask) return null;
        const file = path.join(masksDir, `${i}.png`);
        await writeMaskPng(r.mask, file);
        return file;
      })).catch(async (err: unknown) => {
        await fs.rm(masksDir, { recursive: true, force: true });
        throw err;
      });
      const id = `${args.method}-${bundle.id}-k${normal.length}-s${args.seed}-${stamp(new Date())}`.toLowerCase();
      const outDir = path.join(deps.adaptersDir, id);
      const controller = new AbortController();
      running.set(jobId, controller);
      // The latest step, repeated in every event so that each one is a complete picture.
      let last: Pick<TrainingProgress, 'epoch' | 'step' | 'steps' | 'loss'> = { epoch: 0, step: 0, steps: 0, loss: null };
      const report = (p: Partial<TrainingProgress> & Pick<TrainingProgress, 'state'>) =>
        deps.emit?.('training.progress', { jobId, method: args.method, epochs: args.epochs, adapterId: null, message: null, ...last, ...p });
      report({ state: 'preparing', message: `Computing features of ${normal.length + abnormal.length} images` });
      void (async () => {
        try {
          const r = await deps.engineHost().request('train', {
            method: args.method, bundleDir: bundle.dir, normal, abnormal: abnormal.map((p, i) => ({ path: p, maskPath: maskPaths[i] ?? null })),
            seed: args.seed, epochs: args.epochs, textEncoder: args.textEncoder ?? 'faithful', outDir,
            ...(args.organ ? { organ: args.organ } : {}),
            ...(deps.threads ? { threads: deps.threads } : {}),
          }, {
            signal: controller.signal,
            onProgress: (p) => {
              last = { epoch: p.epoch, step: p.step, steps: p.steps, loss: p.loss };
              report({ state: 'running' });
            },
          });
          deps.adapters.register(r.manifest, r.adapterDir, bundle.dir);
          report({ state: 'done', epoch: r.lastEpoch, adapterId: r.manifest.id, message: `Adapter ${r.manifest.id} is ready.` });
        } catch (err) {
          const cancelled = controller.signal.aborted;
          // Each UI job trains into a new folder, so its checkpoints would never be resumed: remove them.
          await fs.rm(outDir, { recursive: true, force: true }).catch(() => {});
          report({ state: cancelled ? 'cancelled' : 'failed', message: cancelled ? 'Training was cancelled; no adapter was saved.' : `Training failed: ${err instanceof Error ? err.message : String(err)}` });
        } finally {
          running.delete(jobId);
          await fs.rm(masksDir, { recursive: true, force: true }).catch(() => {});
        }
      })();
      return { jobId };
    },
    cancel: async ({ jobId }) => {
      const c = running.get(jobId);
      c?.abort();
      return { cancelled: c !== undefined };
    },
    adapters: async () => deps.adapters.list().map(summarise),
  };
}
