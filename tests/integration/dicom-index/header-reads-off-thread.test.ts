// The app's indexer reads headers in the worker threads only (its calling thread is Electron's main
// process or browser mode's server, which also serve the viewer); `clipscan index` may read a small
// folder on its own thread first. Runs the built header worker (dist/main/header-index.worker.js).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHeaderReader, FILES_ON_CALLING_THREAD, type DefaultHeaderReader } from '../../../src-main/core/dicom/header-reader';
import { FIXTURES, PROJECT_ROOT } from '../../helpers/paths';

const WORKER = path.join(PROJECT_ROOT, 'dist', 'main', 'header-index.worker.js');

const dicomFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).slice(0, 12);

describe('where header bytes are read', () => {
  let files: string[];
  const readers: DefaultHeaderReader[] = [];
  beforeAll(() => {
    execFileSync('npm', ['run', 'build:main', '--silent'], { cwd: PROJECT_ROOT, stdio: 'ignore' });
    files = dicomFiles(path.join(FIXTURES, 'dicom'));
  }, 180_000);
  afterAll(async () => {
    await Promise.all(readers.map((r) => r.close()));
  });

  it('the default reader reads nothing on the calling thread', async () => {
    const reader = createHeaderReader(WORKER);
    readers.push(reader);
    const results = await reader.read(files);
    expect(reader.mode).toBe('worker');
    expect(reader.filesReadHere).toBe(0);
    expect(results).toHaveLength(files.length);
    expect(results.filter((r) => r.ok).length).toBeGreaterThan(0);
  });

  it('a command-line run reads a small folder on its own thread, with the same results', async () => {
    const here = createHeaderReader(WORKER, { filesOnCallingThread: FILES_ON_CALLING_THREAD });
    const there = createHeaderReader(WORKER);
    readers.push(here, there);
    const a = await here.read(files);
    expect(here.filesReadHere).toBe(files.length);
    expect(JSON.stringify(a)).toBe(JSON.stringify(await there.read(files)));
  });
});
