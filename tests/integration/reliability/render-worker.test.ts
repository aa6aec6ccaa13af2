/**
 * `dicom.renderFrame` decodes in a worker thread (the bundled
 * dist/main/render-frame.worker.js) with a time budget and a memory budget:
 * the same bytes as an in-process decode, a decode past its time budget is
 * stopped with a readable error and the next request gets a fresh worker, and
 * a frame too large for the memory budget is refused before decoding.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderFrame } from '../../../src-main/core/dicom/render-frame';
import { createFrameRenderer } from '../../../src-main/core/dicom/render-frame-worker';
import { dicomSet, PROJECT_ROOT } from '../../helpers/paths';
import { buildDicom, imageElements } from '../../unit/pixels/dicom-builder';

const WORKER = path.join(PROJECT_ROOT, 'dist', 'main', 'render-frame.worker.js');
const MR = path.join(dicomSet('transfer-syntaxes-mr'), '1.dcm');
let dir: string;
let big: string;

beforeAll(() => {
  execFileSync('npm', ['run', 'build:main', '--silent'], { cwd: PROJECT_ROOT, stdio: 'ignore' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-render-worker-'));
  // A 4096×4096 16-bit image of zeros: 32 MiB of pixel data in a sparse file.
  const header = buildDicom({
    transferSyntax: '1.2.840.10008.1.2.1',
    elements: [...imageElements({ rows: 4096, columns: 4096, bitsAllocated: 16 }), { tag: [0x0008, 0x0018], vr: 'UI', value: '1.2.3.9' }] as never,
    pixelData: new Uint8Array(0),
  });
  const withLength = Buffer.from(header);
  withLength.writeUInt32LE(4096 * 4096 * 2, withLength.length - 4);
  big = path.join(dir, 'big.dcm');
  fs.writeFileSync(big, withLength);
  fs.truncateSync(big, withLength.length + 4096 * 4096 * 2);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('renderFrame in a worker', () => {
  it('gives the same bytes as an in-process decode', async () => {
    const renderer = createFrameRenderer({ workerPath: WORKER });
    try {
      expect(Buffer.from(await renderer.render(MR, 0))).toEqual(Buffer.from(await renderFrame(MR, 0)));
    } finally {
      await renderer.close();
    }
  });

  it('stops a decode past its time budget, and keeps serving with a fresh worker', async () => {
    const hasty = createFrameRenderer({ workerPath: WORKER, timeoutMs: 1 });
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        await expect(hasty.render(big, 0)).rejects.toMatchObject({
          code: 'RENDER_TIMEOUT',
          message: expect.stringMatching(/big\.dcm frame 0 took longer than/),
        });
      }
    } finally {
      await hasty.close();
    }
    const patient = createFrameRenderer({ workerPath: WORKER });
    try {
      expect((await patient.render(big, 0)).byteLength).toBeGreaterThan(4096 * 4096 * 4);
    } finally {
      await patient.close();
    }
  }, 120_000);

  it('refuses a frame larger than the memory budget before decoding it', async () => {
    const renderer = createFrameRenderer({ workerPath: WORKER, maxFrameBytes: 16 * 2 ** 20 });
    try {
      await expect(renderer.render(big, 0)).rejects.toMatchObject({ code: 'RENDER_TOO_LARGE', message: expect.stringMatching(/4096×4096 frame needs 64 MiB/) });
      expect((await renderer.render(MR, 0)).byteLength).toBeGreaterThan(0);
    } finally {
      await renderer.close();
    }
  });
});
