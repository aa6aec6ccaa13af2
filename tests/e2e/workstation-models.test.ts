// The Models tab in browser mode, against the real back end and SQLite case
// log. Import: the fixture bundle copied into a folder the user allowed at
// launch, walked to through the tab's folder browser, installs and is listed
// with its demo label; a copy with one flipped byte is refused with a readable
// CHECKSUM_MISMATCH message in the notification area and nothing is listed or
// left on disk for it. Download: a loopback bundle server (HTTP Range) serves
// the fixture; the manifest URL and sha256 pasted in the tab download it with
// visible progress (the server holds a file half way until the test has seen
// the progress bar) and list it; with the server cutting the connection mid
// file the tab shows a readable error, and the same download again resumes
// with a Range request and completes. The bundles table is checked each time.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { startBundleServer, type BundleServer } from '../helpers/bundle-server';
import { outputPath } from '../helpers/paths';
import { DEMO_BUNDLE_DIR, newPage, startHarness, type Harness } from './workstation-harness';

const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : '';
const DEMO_LABEL = 'demo model, random weights, not for diagnosis';
const BIG = 'vision.onnx';
const SHA = crypto
  .createHash('sha256')
  .update(fs.readFileSync(path.join(DEMO_BUNDLE_DIR, 'manifest.json')))
  .digest('hex');
const manifest = JSON.parse(fs.readFileSync(path.join(DEMO_BUNDLE_DIR, 'manifest.json'), 'utf8')) as { files: { path: string; bytes: number }[] };
const TOTAL = manifest.files.reduce((s, f) => s + f.bytes, 0);

interface BundleRow {
  id: string;
  version: string;
  path: string;
  manifest_sha256: string;
  demo: number;
  total_bytes: number;
  source_url: string | null;
}

describe.skipIf(skipReason !== '')(`workstation Models tab${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;
  let server: BundleServer;
  let bundlesRoot = '';
  const errors: string[] = [];
  const bundleRows = (): BundleRow[] => {
    const db = new Database(path.join(h.dbDir, 'caselog.sqlite'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT id, version, path, manifest_sha256, demo, total_bytes, source_url FROM bundles ORDER BY id, version').all() as BundleRow[];
    } finally {
      db.close();
    }
  };
  const modelsDir = () => path.join(h.dbDir, 'models');
  const installedFolders = () => (fs.existsSync(modelsDir()) ? fs.readdirSync(modelsDir()).filter((n) => !n.startsWith('.')) : []);
  const notifications = () =>
    page.$$eval('[data-testid=notification]', (nodes) =>
      nodes.map((n) => ({ level: n.getAttribute('data-level'), text: n.textContent?.replace(/×$/, '').trim() ?? '' })),
    );
  const listedIds = () =>
    page.$$eval('[data-testid=models-panel] [data-testid=model-bundle]', (nodes) => nodes.map((n) => n.getAttribute('data-id')).filter((id) => id));
  const bundle = '[data-testid=models-panel] [data-testid=model-bundle][data-id="tiny-demo"]';

  async function dismissAll(): Promise<void> {
    while (await page.$('[data-testid=notification] button[aria-label=Dismiss]')) await page.click('[data-testid=notification] button[aria-label=Dismiss]');
  }

  /** Waits for an error notification matching `pattern` and returns its text. */
  async function errorNotice(pattern: RegExp): Promise<string> {
    await page.waitForFunction(
      (src) => Array.from(document.querySelectorAll('[data-testid=notification][data-level=error]')).some((n) => new RegExp(src).test(n.textContent ?? '')),
      pattern.source,
    );
    return (await notifications()).find((n) => n.level === 'error' && pattern.test(n.text))!.text;
  }

  /** Import through the tab's folder browser: the allowed root, then `name` inside it, then "Import this folder". */
  async function importThroughBrowser(name: string): Promise<void> {
    await page.click('[data-testid=model-import]');
    await page.waitForSelector('[data-testid=model-folder-browser]');
    await page.click(`[data-testid=model-folder-browser] [data-folder="${bundlesRoot}"]`);
    await page.waitForSelector(`[data-testid=model-folder-browser] [data-folder="${name}"]`);
    await page.click(`[data-testid=model-folder-browser] [data-folder="${name}"]`);
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid=model-folder-browser] .path')?.textContent === want,
      path.join(bundlesRoot, name),
    );
    await page.waitForSelector('[data-testid=model-import-here]:not([disabled])');
    await page.click('[data-testid=model-import-here]');
  }

  async function startDownload(): Promise<void> {
    await page.fill('[data-testid=model-download] input[aria-label="Manifest URL"]', server.manifestUrl);
    await page.fill('[data-testid=model-download] input[aria-label="Manifest sha256"]', SHA);
    await page.click('[data-testid=model-download] button[type=submit]:not([disabled])');
  }

  async function removeListedBundle(): Promise<void> {
    await page.click(`${bundle} button[aria-label^=Remove]`);
    await page.waitForSelector(bundle, { state: 'detached' });
    expect(bundleRows()).toEqual([]);
    expect(installedFolders()).toEqual([]);
  }

  beforeAll(async () => {
    bundlesRoot = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-bundles-')));
    fs.cpSync(DEMO_BUNDLE_DIR, path.join(bundlesRoot, 'tiny-demo-copy'), { recursive: true });
    const flipped = path.join(bundlesRoot, 'tiny-demo-flipped');
    fs.cpSync(DEMO_BUNDLE_DIR, flipped, { recursive: true });
    const text = fs.readFileSync(path.join(flipped, 'text.onnx'));
    text[1234] ^= 0xff;
    fs.writeFileSync(path.join(flipped, 'text.onnx'), text);
    server = await startBundleServer(DEMO_BUNDLE_DIR);
    h = await startHarness({ extraRoots: [bundlesRoot] });
    page = await newPage(h, errors);
    await page.click('[data-tab=models]');
    await page.waitForSelector('[data-testid=models-panel]');
  });

  afterAll(async () => {
    await h?.close();
    await server?.close();
    if (bundlesRoot) fs.rmSync(bundlesRoot, { recursive: true, force: true });
  });

  it('refuses an imported copy with a flipped byte, readably, and lists nothing for it', async () => {
    expect(await listedIds()).toEqual([]);
    await importThroughBrowser('tiny-demo-flipped');
    const text = await errorNotice(/does not match its manifest/);
    await page.screenshot({ path: outputPath('workstation-models-import-refused.png') });
    expect(text).toContain(`Importing the model bundle in ${path.join(bundlesRoot, 'tiny-demo-flipped')}`);
    expect(text).toMatch(
      /Model bundle tiny-demo@1: text\.onnx does not match its manifest \(.+\)\. The file is damaged or was changed; the bundle was refused and nothing was installed\./,
    );
    expect(text).not.toMatch(/\[object|at .*\.ts:\d+|undefined/);
    expect(await listedIds()).toEqual([]);
    expect(bundleRows()).toEqual([]);
    expect(installedFolders()).toEqual([]);
    // The folder browser stays open on the refused folder; close it.
    await page.click('[data-testid=model-folder-browser] button:text-is("Cancel")');
    await dismissAll();
  });

  it('imports the fixture bundle from an allowed folder and lists it with the demo label', async () => {
    await importThroughBrowser('tiny-demo-copy');
    await page.waitForSelector(bundle);
    await page.waitForSelector('[data-testid=model-folder-browser]', { state: 'detached' });
    await page.screenshot({ path: outputPath('workstation-models-imported.png') });
    expect(await page.textContent(`${bundle} .warn`)).toBe(DEMO_LABEL);
    expect((await page.textContent(bundle))?.split(DEMO_LABEL)).toHaveLength(2); // the name does not repeat the label
    expect(await page.textContent(bundle)).toContain('tiny-demo');
    expect((await notifications()).some((n) => n.level === 'info' && /Installed .* \(tiny-demo@1\)\./.test(n.text))).toBe(true);
    const rows = bundleRows();
    expect(rows).toEqual([
      { id: 'tiny-demo', version: '1', path: path.join(modelsDir(), 'tiny-demo@1'), manifest_sha256: SHA, demo: 1, total_bytes: TOTAL, source_url: null },
    ]);
    expect(installedFolders()).toEqual(['tiny-demo@1']);
    expect((await notifications()).filter((n) => n.level === 'error')).toEqual([]);
    await removeListedBundle();
  });

  it('downloads by manifest URL and sha256 with visible progress, and lists the bundle', async () => {
    server.misbehave = { hold: { file: BIG, afterBytes: 400_000 } };
    server.requests.length = 0;
    await startDownload();
    // The server holds the vision graph part way: the progress bar shows bytes done for that file.
    await page.waitForFunction((file) => {
      const row = document.querySelector('[data-testid=model-download-progress]');
      const bar = row?.querySelector('progress');
      return !!bar && bar.value > 0 && bar.value < bar.max && (row?.textContent ?? '').includes(file);
    }, BIG);
    const shown = await page.$eval('[data-testid=model-download-progress]', (row) => ({
      text: row.textContent ?? '',
      value: (row.querySelector('progress') as HTMLProgressElement).value,
      max: (row.querySelector('progress') as HTMLProgressElement).max,
    }));
    await page.screenshot({ path: outputPath('workstation-models-downloading.png') });
    expect(shown.max).toBe(TOTAL);
    expect(shown.text).toMatch(/\d+% vision\.onnx/);
    expect(server.held).toBe(1);
    // The same download cannot be started twice: the button says it is running.
    expect(await page.textContent('[data-testid=model-download] button[type=submit]')).toBe('Downloading…');
    expect(await page.isDisabled('[data-testid=model-download] button[type=submit]')).toBe(true);
    expect(bundleRows()).toEqual([]); // nothing registered before every file is verified
    server.release();
    await page.waitForSelector(bundle);
    await page.waitForSelector('[data-testid=model-download-progress]', { state: 'detached' });
    expect(await page.textContent('[data-testid=model-download] button[type=submit]')).toBe('Download');
    expect(await page.textContent(`${bundle} .warn`)).toBe(DEMO_LABEL);
    expect(await page.textContent(bundle)).toContain(server.manifestUrl);
    expect(bundleRows()).toEqual([
      {
        id: 'tiny-demo',
        version: '1',
        path: path.join(modelsDir(), 'tiny-demo@1'),
        manifest_sha256: SHA,
        demo: 1,
        total_bytes: TOTAL,
        source_url: server.manifestUrl,
      },
    ]);
    expect((await notifications()).filter((n) => n.level === 'error')).toEqual([]);
    await removeListedBundle();
  });

  it('shows a readable error when the connection is cut, and resumes with Range on retry', async () => {
    server.misbehave = { cut: { file: BIG, afterBytes: 400_000 } };
    server.requests.length = 0;
    await startDownload();
    const text = await errorNotice(/run the same download again to resume/);
    await page.screenshot({ path: outputPath('workstation-models-interrupted.png') });
    expect(text).toContain(`Downloading ${server.manifestUrl}`);
    expect(text).not.toMatch(/\[object|at .*\.ts:\d+|undefined/);
    await page.waitForSelector('[data-testid=model-download-progress]', { state: 'detached' });
    expect(await listedIds()).toEqual([]);
    expect(bundleRows()).toEqual([]);
    expect(installedFolders()).toEqual([]);
    const partial = path.join(modelsDir(), '.downloads', SHA, `${BIG}.partial`);
    const kept = fs.statSync(partial).size;
    expect(kept).toBeGreaterThan(0);
    await dismissAll();

    // Retry: the same URL and sha256 are still in the form.
    server.misbehave = {};
    server.requests.length = 0;
    await page.click('[data-testid=model-download] button[type=submit]:not([disabled])');
    await page.waitForSelector(bundle);
    await page.screenshot({ path: outputPath('workstation-models-resumed.png') });
    expect(server.requests.filter((r) => r.path === BIG)).toEqual([{ path: BIG, range: `bytes=${kept}-`, status: 206 }]);
    expect(bundleRows()).toEqual([
      {
        id: 'tiny-demo',
        version: '1',
        path: path.join(modelsDir(), 'tiny-demo@1'),
        manifest_sha256: SHA,
        demo: 1,
        total_bytes: TOTAL,
        source_url: server.manifestUrl,
      },
    ]);
    expect(fs.existsSync(path.join(modelsDir(), '.downloads', SHA))).toBe(false);
    for (const f of manifest.files)
      expect(fs.readFileSync(path.join(modelsDir(), 'tiny-demo@1', f.path)).equals(fs.readFileSync(path.join(DEMO_BUNDLE_DIR, f.path))), f.path).toBe(true);
    expect((await notifications()).filter((n) => n.level === 'error')).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('keeps where scans run in the case log: CPU only, still chosen after a reload', async () => {
    const choice = '[data-testid=models-panel] [data-testid=provider-choice]';
    const saved = () => {
      const db = new Database(path.join(h.dbDir, 'caselog.sqlite'), { readonly: true, fileMustExist: true });
      try {
        return (db.prepare(`SELECT value FROM settings WHERE key = 'providers'`).get() as { value: string } | undefined)?.value ?? null;
      } finally {
        db.close();
      }
    };
    expect(await page.inputValue(choice)).toBe('auto');
    await page.selectOption(choice, 'cpu');
    await expect.poll(saved).toBe('cpu');
    await page.reload();
    await page.click('[data-tab=models]');
    await page.waitForFunction((sel) => (document.querySelector(sel) as HTMLSelectElement | null)?.value === 'cpu', choice);
    await page.locator(choice).scrollIntoViewIfNeeded();
    await page.screenshot({ path: outputPath('workstation-models-provider-choice.png') });
    await page.selectOption(choice, 'auto');
    await expect.poll(saved).toBe('auto');
    expect(errors).toEqual([]);
  });
});
