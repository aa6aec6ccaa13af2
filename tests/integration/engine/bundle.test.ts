// Bundle verification on a copy of the fixture bundle: intact → opens (demo
// labelled); one flipped byte → CHECKSUM_MISMATCH; truncated or missing file →
// BUNDLE_INCOMPLETE; no manifest → BUNDLE_NOT_FOUND (as for the installer);
// each message names the file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/paths';
import { DEMO_MODEL_LABEL, openBundle } from '../../../src-main/core/engine/bundle';
import { sha256File } from '../../../src-main/core/files/sha256';
import { ClipScanError } from '../../../src-shared/contract/errors';

const FIXTURE = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');
const temps: string[] = [];

function copyFixture(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-bundle-'));
  temps.push(dir);
  fs.cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

async function refusal(dir: string): Promise<ClipScanError> {
  try {
    await openBundle(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(ClipScanError);
    return err as ClipScanError;
  }
  throw new Error('the bundle was accepted');
}

afterEach(() => {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('openBundle', () => {
  it('opens the intact fixture bundle and labels it as a demo', async () => {
    const b = await openBundle(copyFixture());
    expect(b.manifest.id).toBe('tiny-demo');
    expect(b.demo).toBe(true);
    expect(b.label).toContain(DEMO_MODEL_LABEL);
    expect(b.label.split(DEMO_MODEL_LABEL)).toHaveLength(2); // once, though the fixture's displayName carries it too
    expect(fs.existsSync(b.file(b.manifest.vision.file))).toBe(true);
  });

  it('hashes files by streaming', async () => {
    const m = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'manifest.json'), 'utf8'));
    const vision = m.files.find((f: { path: string }) => f.path === 'vision.onnx');
    expect(await sha256File(path.join(FIXTURE, 'vision.onnx'))).toBe(vision.sha256);
  });

  it('refuses one flipped byte with CHECKSUM_MISMATCH naming the file', async () => {
    const dir = copyFixture();
    const file = path.join(dir, 'vision.onnx');
    const bytes = fs.readFileSync(file);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    fs.writeFileSync(file, bytes);
    const err = await refusal(dir);
    expect(err.code).toBe('CHECKSUM_MISMATCH');
    expect(err.message).toContain('vision.onnx');
    expect(err.stack).toContain('verifyBundleFiles');
  });

  it('refuses a truncated file with BUNDLE_INCOMPLETE', async () => {
    const dir = copyFixture();
    const file = path.join(dir, 'token_embedding.f32');
    fs.truncateSync(file, fs.statSync(file).size - 100);
    const err = await refusal(dir);
    expect(err.code).toBe('BUNDLE_INCOMPLETE');
    expect(err.message).toMatch(/token_embedding\.f32.*truncated/);
  });

  it('refuses a missing file with BUNDLE_INCOMPLETE', async () => {
    const dir = copyFixture();
    fs.rmSync(path.join(dir, 'text.onnx'));
    const err = await refusal(dir);
    expect(err.code).toBe('BUNDLE_INCOMPLETE');
    expect(err.message).toMatch(/text\.onnx is missing/);
  });

  it('refuses a manifest that is not a bundle manifest, or that uses an unlisted file', async () => {
    const dir = copyFixture();
    const mPath = path.join(dir, 'manifest.json');
    const m = JSON.parse(fs.readFileSync(mPath, 'utf8'));
    fs.writeFileSync(mPath, JSON.stringify({ ...m, schemaVersion: 2 }));
    expect((await refusal(dir)).code).toBe('BUNDLE_INVALID');
    fs.writeFileSync(mPath, JSON.stringify({ ...m, files: m.files.filter((f: { path: string }) => f.path !== 'text.onnx') }));
    const err = await refusal(dir);
    expect(err.code).toBe('BUNDLE_INVALID');
    expect(err.message).toContain('text.onnx');
    fs.rmSync(mPath);
    expect((await refusal(dir)).code).toBe('BUNDLE_NOT_FOUND');
  });
});
