// The large chaos run (issue 13's figures): 1,000 generated malformed files and
// bombs indexed and scanned, 20 kill -9 each during index, scan and train, and
// two writers, by running tests/chaos with bigger numbers. CI runs the same
// suite small (100 files, 3 kills) inside `npm test`. Needs Node 22 and the
// shared data; figures of a run are in tests/chaos/README.md.
//
//   node scripts/chaos-large.mjs [--files N] [--kills N] [--seed N]
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { files: { type: 'string', default: '1000' }, kills: { type: 'string', default: '20' }, seed: { type: 'string', default: '13' } },
});
const env = { ...process.env, CLIPSCAN_CHAOS_FILES: values.files, CLIPSCAN_CHAOS_KILLS: values.kills, CLIPSCAN_CHAOS_SEED: values.seed };
const result = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'integration', 'tests/chaos', '--testTimeout', '7200000'], {
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);
