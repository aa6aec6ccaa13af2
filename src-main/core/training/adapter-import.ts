/**
 * Imports an adapter trained by the papers' own code (runs in the engine host,
 * which owns onnxruntime): reads the checkpoint through the restricted
 * unpickler, recognises which training method wrote it, maps its tensors onto the
 * bundle's training graph (original-adapters.ts; refused when anything is
 * missing or misshapen), computes the class text embeddings from the learned
 * prompts with that graph, and writes a ClipScan adapter folder. The caller
 * registers it in the case log.
 *
 *   const r = await importOriginalAdapter({ file: 'checkpoints_42.pkl', bundleDir, outDir });
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { openBundle } from '../engine/bundle';
import { createOrtRuntime } from '../engine/ort-runtime';
import { openTrainingSession } from '../engine/training-session';
import { writeAdapter, type Tensor32 } from '../models/adapter-files';
import type { AdapterManifest } from '../../../src-shared/domain/adapter-manifest';
import type { ImportAdapterOptions } from '../engine-client/protocol';
import { readOriginalCheckpoint } from './original-adapters';
import { DEFAULTS, trainingThreads } from './train-loop';

export async function importOriginalAdapter(o: ImportAdapterOptions): Promise<{ adapterDir: string; manifest: AdapterManifest }> {
  const label = path.basename(o.file);
  const original = await readOriginalCheckpoint(o.file);
  const method = original.method;
  if (method.train) {
    // its adapters change the vision forward and its scorer needs a memory bank of the support images, which the file lacks
    throw new ClipScanError(
      'ADAPTER_IMPORT_UNSUPPORTED',
      `${label} is an original ${method.label} checkpoint; its scorer also needs a memory bank of your support images, which the file lacks. ` +
        `Build it with: clipscan train --method ${method.id} --init-from ${label} --epochs 0 --normal <folder> --abnormal <folder> [--masks <folder>] (the file's adapters are kept as they are).`,
    );
  }
  const bundle = await openBundle(o.bundleDir);
  const m = bundle.manifest;
  const runtime = createOrtRuntime({ threads: trainingThreads(o.threads), preferredProviders: ['cpu'] });
  try {
    const session = await openTrainingSession(runtime, bundle, method.graphs, 'faithful');
    const organ = method.organ(o.organ);
    session.setPrompts(method.prompts(organ));
    const learned = original.map(session.learnables);
    const weights = new Map([...learned].map(([k, t]) => [k, t.data]));

    // The class text embeddings depend on the prompts only; one step on constant features gives them.
    const S = m.preprocess.inputSize;
    const G = m.vision.gridSize;
    const batch = session.batch;
    const step = await session.step(weights, {
      feats: session.taps.map(() => new Float32Array(batch * G * G * m.vision.width).fill(1)),
      masks: new Float32Array(batch * S * S),
      sampleW: new Float32Array(batch).fill(1),
      labels: new Float32Array(batch),
      segW: new Float32Array(batch),
    });
    const out = new Map<string, Tensor32>(learned);
    out.set('text_embeddings', { data: step.textEmbeddings, shape: [2, m.embedDim] });

    const manifest: Omit<AdapterManifest, 'weights'> = {
      schemaVersion: 1,
      id: path.basename(o.outDir),
      method: method.id,
      bundle: { id: m.id, version: m.version, manifestSha256: bundle.manifestSha256, demo: m.demo },
      demo: m.demo,
      training: {
        seed: 0,
        epochs: 0,
        epochsDone: 0,
        batchSize: batch,
        learningRate: DEFAULTS.lr,
        betas: DEFAULTS.betas,
        eps: DEFAULTS.eps,
        poolSize: 1,
        textEncoder: 'faithful',
        graph: { file: session.lossFile, sha256: m.files.find((f) => f.path === session.lossFile)?.sha256 ?? '' },
        shots: { normal: 0, abnormal: 0, abnormalWithMask: 0 },
        ...(organ ? { organ } : {}),
        synthesis: `imported from ${original.source}`,
        losses: [],
      },
      supportFingerprint: [],
      ...method.scoring(false),
      taps: [...session.taps],
      createdAt: new Date().toISOString(),
    };
    await fsp.mkdir(path.dirname(o.outDir), { recursive: true });
    const tmp = await fsp.mkdtemp(`${o.outDir}.tmp-`);
    try {
      const full = await writeAdapter(tmp, manifest, out);
      await fsp.rename(tmp, o.outDir);
      return { adapterDir: o.outDir, manifest: full };
    } catch (err) {
      await fsp.rm(tmp, { recursive: true, force: true });
      throw err;
    }
  } finally {
    await runtime.release();
  }
}
