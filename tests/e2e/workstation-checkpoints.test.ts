// Real models in the Models tab (issue 11), browser mode against the real back
// end: a loopback server serves a random-weight TorchScript checkpoint (the
// tiny architecture, written by Debian PyTorch) under OpenAI's URL layout
// `<sha256>/ViT-L-14.pt`, wired in through the test-only CLIPSCAN_TEST_CHECKPOINTS.
// The "Get" entries list the three official checkpoints with size, licence and
// purpose; a checkpoint in a fake HOME's ~/.cache/clip is offered at start-up
// (a notice, and an Import entry) and nothing is copied. Get ViT-L-14 → the download progress shows (the server holds the
// file half way), then the conversion, then the bundle is listed and a scan of
// a small DICOM series with it finishes, recorded with that bundle. "Import
// checkpoint…" walks the allowed folders to a .pt whose vocabulary is not
// OpenAI's: the readable refusal is shown and nothing is installed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { startBundleServer, type BundleServer } from '../helpers/bundle-server';
import { hasSharedData, outputPath, SKIP_NO_SHARED_DATA } from '../helpers/paths';
import { hasTorch, serveUnderOfficialName, SKIP_NO_TORCH, tinyTorchScriptCheckpoint } from '../integration/checkpoints/helpers';
import { listedSeries, newPage, openDataFolder, openSeries, startHarness, type Harness } from './workstation-harness';

const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : !hasSharedData ? SKIP_NO_SHARED_DATA : !hasTorch ? SKIP_NO_TORCH : '';
const ENV = 'CLIPSCAN_TEST_CHECKPOINTS';
const BUNDLE = '[data-testid=models-panel] [data-testid=model-bundle][data-id="openai-vit-l-14"]';

describe.skipIf(skipReason !== '')(`workstation real models${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;
  let server: BundleServer;
  let served = '';
  let home = '';
  let urlPath = '';
  let userFiles = '';
  const saved = { home: process.env.HOME, table: process.env[ENV] };
  const errors: string[] = [];

  beforeAll(async () => {
    const { file, bpe } = tinyTorchScriptCheckpoint();
    served = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-ckpt-ui-'));
    urlPath = serveUnderOfficialName(served, file, 'ViT-L-14.pt');
    server = await startBundleServer(served);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-home-'));
    fs.mkdirSync(path.join(home, '.cache', 'clip'), { recursive: true });
    fs.copyFileSync(file, path.join(home, '.cache', 'clip', 'ViT-B-16.pt'));
    process.env.HOME = home;
    process.env[ENV] = JSON.stringify({ 'ViT-L-14': { url: `${server.baseUrl}${urlPath}`, variant: 'tiny', bpe } });
    userFiles = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-user-ckpt-')));
    fs.copyFileSync(file, path.join(userFiles, 'my-clip.pt'));
    h = await startHarness({ scans: true, extraRoots: [userFiles] });
    page = await newPage(h, errors);
    await page.click('[data-tab=models]');
    await page.waitForSelector('[data-testid=checkpoint-get]');
  }, 180_000);

  afterAll(async () => {
    await h?.close();
    await server?.close();
    process.env.HOME = saved.home;
    if (saved.table === undefined) delete process.env[ENV];
    else process.env[ENV] = saved.table;
    for (const d of [served, home, userFiles]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  it('lists the official checkpoints as Get entries and offers the cached one without copying it', async () => {
    const entries = await page.$$eval('[data-testid=checkpoint-get]', (nodes) =>
      nodes.map((n) => ({ name: n.getAttribute('data-name'), text: n.textContent ?? '' })),
    );
    expect(entries.map((e) => e.name)).toEqual(['ViT-B-16', 'ViT-L-14', 'ViT-L-14-336']);
    for (const e of entries) expect(e.text).toMatch(/about \d+ MB · MIT/);
    expect(entries[1]!.text).toContain('MediCLIP');
    expect(entries[2]!.text).toContain('MadCLIP');
    // Which execution providers this build contains (issue 17): CPU always; this CI build has no CUDA libraries.
    await page.waitForSelector('[data-testid=build-provider][data-name=cpu]');
    const providers = await page.textContent('[data-testid=build-providers]');
    expect(providers).toMatch(/In this build:\s*CPU/);
    const cudaLibrary = path.join('node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so');
    if (process.platform === 'linux' && !fs.existsSync(cudaLibrary))
      expect(providers).toMatch(/Not in this build: NVIDIA CUDA, NVIDIA TensorRT \(a GPU release build adds them/);
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('[data-testid=notification][data-level=info]')).some((n) =>
        /CLIP checkpoints found on this computer \(ViT-B-16\).*Nothing is copied until you do/.test(n.textContent ?? ''),
      ),
    );
    const found = await page.getAttribute('[data-testid=checkpoint-found]', 'data-path');
    expect(found).toBe(path.join(home, '.cache', 'clip', 'ViT-B-16.pt'));
    expect(fs.readdirSync(path.join(h.dbDir))).not.toContain('models');
  });

  it('gets ViT-L-14: download progress, conversion, the bundle listed, then a scan with it', async () => {
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { phases: string[] }).phases = seen;
      new MutationObserver(() => {
        for (const n of Array.from(document.querySelectorAll('[data-testid=checkpoint-progress]'))) {
          const p = n.getAttribute('data-phase') ?? '';
          if (seen.at(-1) !== p) seen.push(p);
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    server.misbehave = { hold: { file: urlPath, afterBytes: 600_000 } };
    await page.click('[data-testid=checkpoint-get][data-name="ViT-L-14"] button');
    await page.waitForFunction(() => {
      const bar = document.querySelector('[data-testid=checkpoint-progress][data-phase=download] progress') as HTMLProgressElement | null;
      return !!bar && bar.value > 0 && bar.value < bar.max;
    });
    await page.screenshot({ path: outputPath('workstation-checkpoints-downloading.png') });
    expect(await page.textContent('[data-testid=checkpoint-progress]')).toContain('ViT-L-14.pt');
    server.release();
    await page.waitForSelector(`${BUNDLE}, [data-testid=notification][data-level=error]`, { timeout: 120_000 });
    expect(await page.$$eval('[data-testid=notification][data-level=error]', (n) => n.map((x) => x.textContent))).toEqual([]);
    await page.waitForSelector('[data-testid=checkpoint-progress]', { state: 'detached' });
    const phases = await page.evaluate(() => (window as unknown as { phases: string[] }).phases);
    expect(phases[0]).toBe('download');
    expect(phases).toContain('convert');
    expect(await page.textContent('[data-testid=checkpoint-get][data-name="ViT-L-14"] button')).toBe('Installed');
    await page.screenshot({ path: outputPath('workstation-checkpoints-installed.png') });
    expect(fs.existsSync(path.join(h.dbDir, 'models', '.downloads', 'checkpoints'))).toBe(true);
    expect(fs.readdirSync(path.join(h.dbDir, 'models', '.downloads', 'checkpoints'))).toEqual([]);

    await page.click(`${BUNDLE} input[type=radio]`);
    await page.click('[data-tab=scan]');
    await openDataFolder(page);
    const small = (await listedSeries(page)).filter((s) => s.frames > 0).sort((a, b) => a.frames - b.frames)[0]!;
    await openSeries(page, small.uid);
    await page.click('[data-testid=scan-series]');
    await page.waitForSelector('[data-testid=scan-job]');
    const scanId = Number(await page.getAttribute('[data-testid=scan-job]', 'data-scan-id'));
    await page.waitForSelector(`[data-testid=scan-job][data-scan-id="${scanId}"][data-status=done]`, { timeout: 300_000 });
    const db = new Database(path.join(h.dbDir, 'caselog.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('SELECT status, bundle_id, bundle_dir FROM scans WHERE id = ?').get(scanId) as {
        status: string;
        bundle_id: string;
        bundle_dir: string;
      };
      expect(row).toEqual({ status: 'done', bundle_id: 'openai-vit-l-14', bundle_dir: path.join(h.dbDir, 'models', row.bundle_dir.split(path.sep).at(-1)!) });
      expect(path.basename(row.bundle_dir)).toMatch(/^openai-vit-l-14@[0-9a-f]{12}$/);
    } finally {
      db.close();
    }
    expect(errors).toEqual([]);
  }, 600_000);

  it('Import checkpoint… reaches a file in an allowed folder; a vocabulary mismatch is refused readably, nothing installed', async () => {
    await page.click('[data-tab=models]');
    await page.waitForSelector('[data-testid=models-panel]');
    const before = await page.$$eval('[data-testid=model-bundle]', (n) => n.length);
    await page.click('[data-testid=checkpoint-import]');
    await page.waitForSelector('[data-testid=checkpoint-browser]');
    await page.click(`[data-testid=checkpoint-browser] [data-folder="${userFiles}"]`);
    await page.click('[data-testid=checkpoint-browser] [data-file="my-clip.pt"]');
    const text = await page
      .waitForFunction(() =>
        Array.from(document.querySelectorAll('[data-testid=notification][data-level=error]'))
          .map((n) => n.textContent ?? '')
          .find((t) => /my-clip\.pt/.test(t)),
      )
      .then((h) => h.jsonValue());
    await page.screenshot({ path: outputPath('workstation-checkpoints-import-refused.png') });
    expect(text).toMatch(/my-clip\.pt has 745 token embeddings but its BPE merges give \d+ tokens/);
    expect(text).not.toMatch(/\[object|at .*\.ts:\d+|undefined/);
    await page.waitForSelector('[data-testid=checkpoint-progress]', { state: 'detached' });
    expect(await page.$$eval('[data-testid=model-bundle]', (n) => n.length)).toBe(before);
    expect(fs.readdirSync(path.join(h.dbDir, 'models', '.staging'))).toEqual([]);
  }, 120_000);
});
