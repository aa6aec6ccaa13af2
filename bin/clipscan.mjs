#!/usr/bin/env node
// The `clipscan` command: checks the Node version, then runs the built CLI
// bundle (npm run build:main makes it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeVersionProblem } from './node-version.mjs';

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write(problem);
  process.exit(1);
}
const cli = fileURLToPath(new URL('../dist/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('clipscan is not built yet: run "npm run build" in the ClipScan folder.\n');
  process.exit(1);
}
await import(cli);
