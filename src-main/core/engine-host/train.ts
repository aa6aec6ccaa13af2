/**
 * The engine host's `train` method: read the support images (JPG/PNG files or
 * DICOM, first frame), run `trainAdapter` with the caller's cancel signal, and
 * report progress per step. The adapter folder is written by the trainer; the
 * caller registers it in the case log and then removes its last checkpoint.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { decodeImageFile } from '../images/image-file';
import { trainAdapter } from '../training/trainer';
import type { TrainingImage } from '../images/image8';
import type { HostMethods } from '../engine-client/protocol';
import type { HostState } from './host-state';

async function readImage(state: HostState, file: string): Promise<TrainingImage> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.png' || ext === '.jpg' || ext === '.jpeg') return decodeImageFile(file);
  const decoder = await state.decoder();
  return decoder.decode(new Uint8Array(await fs.readFile(file)), 0);
}

async function readMask(file: string, rows: number, cols: number): Promise<Float32Array> {
  const img = await decodeImageFile(file);
  if (img.width !== cols || img.height !== rows) throw new Error(`${file}: mask is ${img.width}×${img.height}, image is ${cols}×${rows}`);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = img.data[i * img.channels] > 127 ? 1 : 0;
  return out;
}

export async function train(
  state: HostState,
  params: HostMethods['train']['params'],
  context: { progress: (data: HostMethods['train']['progress']) => void; signal: AbortSignal },
): Promise<HostMethods['train']['result']> {
  const normal = await Promise.all(params.normal.map((file) => readImage(state, file)));
  const abnormal = await Promise.all(
    (params.abnormal ?? []).map(async (a) => {
      const image = await readImage(state, a.path);
      const [rows, cols] = 'rows' in image ? [image.rows, image.columns] : [image.height, image.width];
      return { image, mask: a.maskPath ? await readMask(a.maskPath, rows, cols) : null };
    }),
  );
  const r = await trainAdapter({
    method: params.method,
    bundleDir: params.bundleDir,
    support: { normal, abnormal },
    seed: params.seed,
    epochs: params.epochs,
    ...(params.poolSize ? { poolSize: params.poolSize } : {}),
    ...(params.textEncoder ? { textEncoder: params.textEncoder } : {}),
    ...(params.organ ? { organ: params.organ } : {}),
    ...(params.threads ? { threads: params.threads } : {}),
    ...(params.initFrom ? { initFrom: params.initFrom } : {}),
    outDir: params.outDir,
    onProgress: (p) => context.progress(p),
    signal: context.signal,
    keepCheckpoint: true,
  });
  return { adapterDir: r.adapterDir, manifest: r.manifest, lastEpoch: r.lastEpoch, losses: r.losses, resumedFromEpoch: r.resumedFromEpoch };
}
