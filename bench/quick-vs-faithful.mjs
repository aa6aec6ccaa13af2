// The AUROC effect of the quick training preset (issue 17, target 5): for each
// shared few-shot set, method and seed, `clipscan eval` trains with
// `--preset faithful` and then `--preset quick` (same support, same seed, same
// scored subset) and reports image AUROC (and pixel AUROC where the set has
// masks) at the last epoch next to the best-on-test epoch, with the training
// seconds and the load average around each run. Needs the built CLI
// (`npm run build:main`); uses the bundle the CLI defaults to (the tiny demo
// fixture unless --model is given). Each run is appended to --out as one JSON
// line, so an interrupted bench keeps what it measured.
//
//   node bench/quick-vs-faithful.mjs [--seeds 1,2] [--sets brainmri,busi] [--methods mediclip,madclip]
//                                    [--shots 16] [--limit 60] [--mediclip-epochs N] [--model DIR] [--out FILE]
//
// --mediclip-epochs N runs both MediCLIP schedules for N epochs (their labels say so): MediCLIP's
// quick preset differs from faithful only in the text encoder, and 200 epochs scored after each
// one may not fit a busy machine.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1' },
    sets: { type: 'string', default: 'brainmri,busi' },
    methods: { type: 'string', default: 'mediclip,madclip' },
    shots: { type: 'string', default: '16' },
    limit: { type: 'string', default: '60' },
    'mediclip-epochs': { type: 'string' },
    model: { type: 'string' },
    out: { type: 'string', default: path.join(os.tmpdir(), 'clipscan-quick-vs-faithful.jsonl') },
  },
});
const DATA = path.join(root, '..', 'shared', 'data', 'anomaly');
const SETS = { brainmri: 'brainmri-mediclip', busi: 'busi-mediclip' };
const load = () => os.loadavg()[0].toFixed(2);
const fmt = (v) => (v === null || v === undefined ? '–' : v.toFixed(4));

function evalRun(set, method, seed, preset) {
  const args = ['dist/main/cli.js', 'eval', '--data', path.join(DATA, SETS[set]), '--method', method, '--shots', values.shots, '--seed', String(seed)];
  args.push('--preset', preset, '--limit', values.limit, '--json');
  if (values.model) args.push('--model', values.model);
  if (method === 'mediclip' && values['mediclip-epochs']) args.push('--epochs', values['mediclip-epochs']);
  const loadBefore = load();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`clipscan ${args.slice(1).join(' ')} failed (${r.status}):\n${r.stderr}`);
  const report = JSON.parse(r.stdout);
  return {
    set,
    method,
    seed,
    preset,
    schedule: report.schedule,
    model: report.model,
    demo: report.demo,
    epochs: report.epochs,
    scored: report.test.scored,
    last: { epoch: report.last.epoch, image: report.last.imageAuroc, pixel: report.last.pixelAuroc },
    best: { epoch: report.best.epoch, image: report.best.imageAuroc, pixel: report.best.pixelAuroc },
    trainSeconds: report.trainSeconds,
    load: `${loadBefore} / ${load()}`,
  };
}

const rows = [];
for (const seed of values.seeds.split(',').map(Number)) {
  for (const set of values.sets.split(',')) {
    for (const method of values.methods.split(',')) {
      for (const preset of ['faithful', 'quick']) {
        const row = evalRun(set, method, seed, preset);
        rows.push(row);
        fs.appendFileSync(values.out, JSON.stringify(row) + '\n');
        process.stderr.write(`${set} ${method} seed ${seed} ${row.schedule}: last ${fmt(row.last.image)}, best ${fmt(row.best.image)} (load ${row.load})\n`);
      }
    }
  }
}

console.log(`model ${rows[0]?.model}${rows[0]?.demo ? ' (demo model, random weights)' : ''}, k = ${values.shots}, --limit ${values.limit}\n`);
console.log(
  '| set | method | seed | schedule | scored | last image AUROC | best image AUROC (epoch) | last pixel AUROC | best pixel AUROC | train s | load before / after |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.set} | ${r.method} | ${r.seed} | ${r.schedule} | ${r.scored} | ${fmt(r.last.image)} | ${fmt(r.best.image)} (${r.best.epoch}) | ${fmt(r.last.pixel)} | ${fmt(r.best.pixel)} | ${r.trainSeconds.toFixed(1)} | ${r.load} |`,
  );
}
