// Node older than the version package.json requires: `clipscan`, `npm start`
// and `npm run serve` say what to install instead of dying in a native module.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem } from '../../../bin/node-version.mjs';
import { PROJECT_ROOT } from '../../helpers/paths';

/** A Node older than 22 on this machine (Debian's), when there is one. */
const OLD_NODE = ['/usr/bin/node', '/usr/bin/nodejs'].find((p) => {
  if (!fs.existsSync(p)) return false;
  const v = spawnSync(p, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return /^v(\d+)\./.test(v) && Number(/^v(\d+)\./.exec(v)![1]) < 22;
});

describe('Node version check', () => {
  it('accepts the required version and newer, names what to install otherwise', () => {
    expect(nodeVersionProblem('22.12.0')).toBeNull();
    expect(nodeVersionProblem('24.1.0')).toBeNull();
    expect(nodeVersionProblem('22.11.0')).toMatch(/needs Node 22\.12 or newer.*22\.11\.0[\s\S]*nodejs\.org/);
    expect(nodeVersionProblem('20.20.2')).toMatch(/nvm install 22/);
  });

  it.skipIf(!OLD_NODE)(`bin/clipscan.mjs run by an old Node (${OLD_NODE ?? 'none here'}) says what to install`, () => {
    const res = spawnSync(OLD_NODE!, [path.join(PROJECT_ROOT, 'bin', 'clipscan.mjs'), 'info'], { encoding: 'utf8' });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/ClipScan needs Node 22\.12 or newer/);
  });

  it('npm start and npm run serve check the version before anything else', () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    for (const name of ['start', 'serve']) expect(scripts[name], name).toMatch(/^node bin\/node-version\.mjs && /);
  });
});
