/**
 * The GPU path users get (issue 17, target 6), not a test. On a machine with a GPU:
 * which provider the engine's own platform preference picks for each bundle (and
 * why the ones before it failed), whether that provider agrees with the CPU EP on
 * the same real CT slices (cosine of every tap, pooled and patch embeddings; the
 * zero-shot score and map), and its throughput against the CPU EP in one run
 * (batch 1 and 4, interleaved, median ms per image).
 *
 *   npx esbuild bench/gpu-providers.ts --bundle --platform=node --format=esm \
 *     --external:onnxruntime-node --outfile=dist/bench/gpu-providers.mjs
 *   node dist/bench/gpu-providers.mjs --bundle models/fixtures/tiny-demo [--bundle DIR …]
 *        [--convert CHECKPOINT:VARIANT:OUTDIR …] [--threads N] [--repeats 5] [--images 3]
 *        [--json FILE]
 *
 * `--convert` first makes a bundle with the TypeScript converter (the path a user's
 * checkpoint takes), e.g. from tests/integration/models-convert/make_checkpoints.py's
 * random jit.pt. Images: tests/fixtures/dicom/ct-chest-lidc-0314 (tracked).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine, type Engine, type LoadedBundle } from '../src-main/core/engine/engine';
import { convertCheckpoint, type ConvertOptions } from '../src-main/core/models/convert/index';
import { preprocessFrame } from '../src-main/core/engine/preprocess';
import { frameAgreement, spreadSlices } from './agreement';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string', multiple: true, default: [] },
    convert: { type: 'string', multiple: true, default: [] },
    threads: { type: 'string', default: String(Math.min(8, os.availableParallelism())) },
    repeats: { type: 'string', default: '5' },
    images: { type: 'string', default: '3' },
    json: { type: 'string' },
  },
});
const ROOT = process.env.CLIPSCAN_ROOT ?? process.cwd();
const CT = path.join(ROOT, 'tests', 'fixtures', 'dicom', 'ct-chest-lidc-0314');
const threads = Number(values.threads);
const repeats = Number(values.repeats);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

const report: Record<string, unknown>[] = [];
const bundles = [...values.bundle];
for (const spec of values.convert) {
  const [input, variant, outDir] = spec.split(':');
  const t = performance.now();
  fs.rmSync(outDir, { recursive: true, force: true });
  await convertCheckpoint({ input, outDir, variant: variant as ConvertOptions['variant'], training: false, resourcesDir: path.join(ROOT, 'resources') });
  console.log(`converted ${input} (${variant}) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  bundles.push(outDir);
}

const { picked, frames } = spreadSlices(CT, Number(values.images));
console.log(`load average at start: ${load()} (${os.availableParallelism()} cores, ${os.cpus()[0]?.model}); ${threads} intra-op threads`);

const preferred = createEngine({ threads });
const cpu = createEngine({ threads, preferredProviders: ['cpu'] });
console.log(`platform preference: ${preferred.providers.join(', ')}`);

async function timeEncode(engines: Array<[string, LoadedBundle]>, pixels: Float32Array, batch: number) {
  const taps = engines[0][1].manifest.vision.taps;
  const input = new Float32Array(pixels.length * batch);
  for (let b = 0; b < batch; b++) input.set(pixels, b * pixels.length);
  for (const [, b] of engines) await b.vision.encode(input, batch, { taps }); // warm-up (shader compilation on a GPU)
  const times = new Map<string, number[]>(engines.map(([n]) => [n, []]));
  for (let r = 0; r < repeats; r++) {
    for (const [name, b] of engines) {
      const t = performance.now();
      await b.vision.encode(input, batch, { taps });
      times.get(name)!.push((performance.now() - t) / batch);
    }
  }
  return new Map([...times].map(([n, xs]) => [n, median(xs)]));
}

async function compare(dir: string, precision: 'fp32' | 'int8', engineA: Engine, engineB: Engine) {
  const a = await engineA.loadBundle(dir, { verify: false, precision });
  const b = await engineB.loadBundle(dir, { verify: false, precision });
  const m = a.manifest;
  const minCos = new Map<string, number>();
  let worstScore = 0;
  let worstMap = 0;
  let mapCos = 1;
  for (const frame of frames) {
    // The CPU EP is the reference.
    const agreement = await frameAgreement(frame, { engine: engineB, bundle: b }, { engine: engineA, bundle: a });
    for (const [name, c] of agreement.cosines) minCos.set(name, Math.min(minCos.get(name) ?? 1, c));
    worstScore = Math.max(worstScore, agreement.absScoreDiff);
    worstMap = Math.max(worstMap, agreement.mapDiffOverRange);
    mapCos = Math.min(mapCos, agreement.mapCosine);
  }
  const pixels = preprocessFrame(frames[0], m.preprocess).pixels;
  const t1 = await timeEncode(
    [
      ['preferred', a],
      ['cpu', b],
    ],
    pixels,
    1,
  );
  const t4 = await timeEncode(
    [
      ['preferred', a],
      ['cpu', b],
    ],
    pixels,
    4,
  );
  const row = {
    bundle: `${m.id} (${m.architecture})`,
    precision,
    provider: a.providers,
    fallbackReason: a.fallbackReason ?? null,
    minCosine: Object.fromEntries([...minCos].map(([k, v]) => [k, Number(v.toFixed(6))])),
    worstAbsScoreDiff: worstScore,
    worstMapDiffOverRange: worstMap,
    minMapCosine: mapCos,
    msPerImage: {
      batch1: { preferred: t1.get('preferred'), cpu: t1.get('cpu') },
      batch4: { preferred: t4.get('preferred'), cpu: t4.get('cpu') },
    },
  };
  report.push(row);
  console.log(`\n${row.bundle} ${precision}: vision on ${a.providers.vision}, text on ${a.providers.text}${a.fallbackReason ? ` (fell back: ${a.fallbackReason})` : ''}`);
  console.table(Object.entries(row.minCosine).map(([output, c]) => ({ output, 'min cosine vs CPU': c })));
  console.log(`zero-shot: worst |Δscore| ${worstScore.toExponential(2)}, worst max|Δmap|/range ${worstMap.toExponential(2)}, min map cosine ${mapCos.toFixed(6)}`);
  console.table(
    [1, 4].map((batch) => {
      const t = batch === 1 ? t1 : t4;
      return {
        batch,
        preferred: a.providers.vision,
        'preferred ms/image': t.get('preferred')!.toFixed(2),
        'CPU EP ms/image': t.get('cpu')!.toFixed(2),
        'CPU / preferred': (t.get('cpu')! / t.get('preferred')!).toFixed(2),
      };
    }),
  );
}

for (const dir of bundles) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { vision: { int8File?: string } };
  for (const precision of manifest.vision.int8File ? (['fp32', 'int8'] as const) : (['fp32'] as const)) {
    try {
      await compare(dir, precision, preferred, cpu);
    } catch (err) {
      console.log(`${dir} ${precision}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      report.push({ bundle: dir, precision, error: String(err) });
    }
  }
}
console.log(`load average at end: ${load()}`);
if (values.json) fs.writeFileSync(values.json, JSON.stringify({ platform: `${process.platform}-${process.arch}`, threads, repeats, images: picked, report }, null, 2));
await preferred.release();
await cpu.release();
