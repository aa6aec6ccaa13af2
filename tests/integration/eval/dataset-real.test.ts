/**
 * The dataset reader, decoder and duplicate report on MediCLIP's real splits in
 * shared/data/anomaly (skipped with the reason when the folder is absent):
 * BrainMRI's duplicates and leaks equal shared/data/README.md's numbers by
 * file bytes; decoding matches PIL (python3-pil) where it is installed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA } from '../../helpers/paths';
import { decodeImageFile, fileHash, findDuplicates, maskTo, pixelHash, readMediclipDataset, resizePil, toRgb } from '../../../src-main/core/eval';

const ROOT = path.join(SHARED_DATA, 'anomaly');
const BRAIN = path.join(ROOT, 'brainmri-mediclip');
const BUSI = path.join(ROOT, 'busi-mediclip');
const haveData = fs.existsSync(path.join(BRAIN, 'samples', 'test.json')) && fs.existsSync(path.join(BUSI, 'samples', 'test.json'));
if (!haveData) console.warn(`real anomaly-set tests skipped: ${ROOT} is absent`);
const hasPil = spawnSync('/usr/bin/python3', ['-c', 'import PIL, numpy'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!haveData)('MediCLIP sets on disk', () => {
  it('reads both splits with the README counts', async () => {
    const brain = await readMediclipDataset(BRAIN);
    expect(brain.train).toHaveLength(32);
    expect(brain.test.filter((s) => s.label === 0)).toHaveLength(65);
    expect(brain.test.filter((s) => s.label === 1)).toHaveLength(155);
    expect(brain.hasMasks).toBe(false);
    const busi = await readMediclipDataset(BUSI);
    expect(busi.train).toHaveLength(32);
    expect(busi.test.filter((s) => s.label === 0)).toHaveLength(101);
    const abn = busi.test.filter((s) => s.label === 1);
    expect(abn).toHaveLength(647);
    expect(abn.every((s) => s.maskPath && fs.existsSync(s.maskPath))).toBe(true);
  });

  it('BrainMRI: 23 redundant copies in 20 groups by file bytes, leaks test image_61 = train image_13 and test image_76 = train image_7; pixels add image_83 = image_24', async () => {
    const set = await readMediclipDataset(BRAIN);
    const all = [...set.train, ...set.test];
    const fh = new Map<string, string>();
    const ph = new Map<string, string>();
    for (const s of all) {
      fh.set(s.filename, fileHash(fs.readFileSync(s.path)));
      ph.set(s.filename, pixelHash(toRgb(await decodeImageFile(s.path))));
    }
    const byFile = findDuplicates(all, (s) => fh.get(s.filename) as string);
    expect(byFile.groups).toHaveLength(20);
    expect(byFile.redundant).toBe(23);
    expect(byFile.leaks).toEqual([
      { test: 'test/normal/image_61.jpg', train: 'train/normal/image_13.jpg' },
      { test: 'test/normal/image_76.jpg', train: 'train/normal/image_7.jpg' },
    ]);
    const trainGroups = byFile.groups.filter((g) => g.files.every((f) => f.startsWith('train/')));
    expect(trainGroups.map((g) => g.files)).toEqual([
      ['train/normal/image_0.jpg', 'train/normal/image_20.jpg'],
      ['train/normal/image_21.jpg', 'train/normal/image_25.jpg'],
    ]);
    const byPixels = findDuplicates(all, (s) => ph.get(s.filename) as string);
    expect(byPixels.groups).toHaveLength(21);
    expect(byPixels.redundant).toBe(24);
    expect(byPixels.leaks.map((l) => `${l.test}=${l.train}`)).toEqual([
      'test/normal/image_61.jpg=train/normal/image_13.jpg',
      'test/normal/image_76.jpg=train/normal/image_7.jpg',
      'test/normal/image_83.jpg=train/normal/image_24.jpg',
    ]);
  });

  it.skipIf(!hasPil)('decoding, 224 bilinear resize (exactly) and mask binarisation match PIL', async () => {
    const img = path.join(BUSI, 'images/test/abnormal/benign_0.jpg');
    const mask = path.join(BUSI, 'images/test/ground_true/benign_mask_0.jpg');
    const py = `
import sys, hashlib, numpy as np
from PIL import Image
im = Image.open(sys.argv[1]).convert('RGB')
print(hashlib.sha256(np.asarray(im).tobytes()).hexdigest())
sys.stdout.buffer.write(np.asarray(im.resize((224, 224), Image.BILINEAR)).tobytes())
m = np.asarray(Image.open(sys.argv[2]).convert('L'))
mb = Image.fromarray(((m > 127) * 255).astype(np.uint8)).resize((224, 224), Image.NEAREST)
sys.stdout.buffer.write((np.asarray(mb) > 0).astype(np.uint8).tobytes())
`;
    const run = spawnSync('/usr/bin/python3', ['-c', py, img, mask], { maxBuffer: 1 << 24 });
    expect(run.status, String(run.stderr)).toBe(0);
    const out = run.stdout;
    const nl = out.indexOf(10);
    const decoded = await decodeImageFile(img);
    expect(decoded.width).toBe(512);
    const rgb = toRgb(decoded);
    const hashHex = (await import('node:crypto')).createHash('sha256').update(rgb.data).digest('hex');
    expect(hashHex).toBe(out.subarray(0, nl).toString());
    const pilResized = out.subarray(nl + 1, nl + 1 + 224 * 224 * 3);
    const mine = resizePil(rgb, 224, 224, 'bilinear').data;
    let maxDiff = 0;
    for (let i = 0; i < mine.length; i++) maxDiff = Math.max(maxDiff, Math.abs(mine[i]! - pilResized[i]!));
    expect(maxDiff).toBe(0);
    const pilMask = out.subarray(nl + 1 + 224 * 224 * 3);
    const myMask = maskTo(await decodeImageFile(mask), 224, 224);
    let diff = 0;
    for (let i = 0; i < myMask.length; i++) if (myMask[i] !== pilMask[i]) diff++;
    expect(diff).toBe(0);
    expect(myMask.reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
  });
});
