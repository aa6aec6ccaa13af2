// Checks that this Node is the one ClipScan needs (package.json "engines"),
// before anything loads a native module built for it: on an older Node they
// crash without a word. Run by bin/clipscan.mjs and first by `npm start` and
// `npm run serve`; plain JavaScript that any Node with ES modules can read.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const required = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node.replace(/^>=\s*/, '');

/** Null when `version` (e.g. "22.12.0") is new enough, else what to tell the user. */
export function nodeVersionProblem(version) {
  const have = version.split('.').map(Number);
  const need = required.split('.').map(Number);
  for (let i = 0; i < need.length; i++) {
    if ((have[i] || 0) > need[i]) return null;
    if ((have[i] || 0) < need[i]) {
      return (
        `ClipScan needs Node ${required} or newer; this is Node ${version} (${process.execPath}).\n` +
        `Install Node 22 LTS from https://nodejs.org/ (or with nvm: "nvm install 22 && nvm use 22"), then run the command again.\n`
      );
    }
  }
  return null;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const problem = nodeVersionProblem(process.versions.node);
  if (problem) {
    process.stderr.write(problem);
    process.exit(1);
  }
}
