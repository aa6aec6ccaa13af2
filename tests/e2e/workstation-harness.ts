/**
 * Shared set-up for the workstation end-to-end tests: the real back end and
 * browser-mode server in-process on the built renderer, allowed to read the
 * shared DICOM data, headless Chromium, and page helpers (open the data folder
 * through the folder browser, open a series, wait for the viewer). With
 * `{ scans: true }` scans run for real on the bundled demo model.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createBackend, type Backend } from '../../src-main/core/services';
import { createInProcessHost } from '../../src-main/core/engine-host/in-process';
import { startWebServer, type WebServer } from '../../src-main/web/server';
import { checkedEventSink } from '../../src-shared/contract/server';
import { launchChromium } from '../helpers/browser';
import { PROJECT_ROOT, SHARED_DATA } from '../helpers/paths';

export const DICOM_ROOT = path.join(SHARED_DATA, 'dicom');
export const rendererDir = path.join(PROJECT_ROOT, 'dist', 'renderer');

export interface Harness {
  backend: Backend;
  server: WebServer;
  browser: Browser;
  dbDir: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Scans run for real: the engine host in-process and the bundled demo model (models/fixtures/tiny-demo). */
  scans?: boolean;
  /** Folders the user allowed at launch besides the shared DICOM data (browser mode's folder browser shows only these). */
  extraRoots?: string[];
}

export const DEMO_BUNDLE_DIR = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) throw new Error('dist/renderer is missing: run "npm run build" (npm test does it).');
  const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-ui-'));
  let server: WebServer | null = null;
  const backend = createBackend({
    mode: 'browser',
    databasePath: path.join(dbDir, 'caselog.sqlite'),
    allowedRoots: [DICOM_ROOT, ...(options.extraRoots ?? [])],
    emit: checkedEventSink((name, payload) => server?.emit(name, payload)),
    ...(options.scans ? { engineHost: createInProcessHost, demoBundleDir: DEMO_BUNDLE_DIR, threads: 1 } : {}),
  });
  server = await startWebServer({ handlers: backend.handlers, staticDir: rendererDir });
  const browser = await launchChromium();
  const started = server;
  return {
    backend,
    server: started,
    browser,
    dbDir,
    async close() {
      await browser.close();
      await started.close();
      await backend.close();
      fs.rmSync(dbDir, { recursive: true, force: true });
    },
  };
}

export async function newPage(h: Harness, errors: string[]): Promise<Page> {
  const page = await h.browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(h.server.launchUrl);
  await page.waitForFunction(() => document.querySelector('[data-testid=status]')?.textContent === 'ready');
  return page;
}

/** Opens the shared DICOM folder the way a user does: Open folder…, pick the allowed root, Open this folder. */
export async function openDataFolder(page: Page): Promise<void> {
  await page.click('[data-testid=open-folder]');
  await page.waitForSelector('[data-testid=folder-browser]');
  await page.click(`[data-folder="${DICOM_ROOT}"]`);
  await page.waitForFunction((root) => document.querySelector('[data-testid=folder-path]')?.textContent === root, DICOM_ROOT);
  await page.click('[data-testid=open-this-folder]');
  await page.waitForSelector('[data-testid=index-summary]', { timeout: 90_000 });
}

/** Clicks the series with this UID (and part) and waits until its first image is drawn. */
export async function openSeries(page: Page, seriesUid: string): Promise<void> {
  await page.click(`[data-testid=series][data-uid="${seriesUid}"]`);
  await page.waitForFunction(
    () => document.querySelector('[data-testid=status]')?.textContent === 'loading' || document.querySelector('[data-testid=status]')?.textContent === 'ready',
  );
  await page.waitForFunction(
    (uid) => {
      const status = document.querySelector('[data-testid=status]')?.textContent;
      const selected = document.querySelector('[data-testid=series].selected')?.getAttribute('data-uid');
      return selected === uid && (status === 'ready' || status === 'error');
    },
    seriesUid,
    { timeout: 60_000 },
  );
}

/** Series listed in the UI: uid, modality, instances and frames as the list shows them. */
export async function listedSeries(page: Page) {
  return page.$$eval('[data-testid=series]', (nodes) =>
    nodes.map((n) => ({
      uid: n.getAttribute('data-uid') ?? '',
      modality: n.getAttribute('data-modality') ?? '',
      instances: Number(n.getAttribute('data-instances')),
      frames: Number(n.getAttribute('data-frames')),
      counts: n.querySelector('[data-testid=series-counts]')?.textContent ?? '',
    })),
  );
}

/** Controls (outside the notification area) that a notification's box overlaps, as the start of their HTML. */
export function controlsUnderNotifications(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const boxes = Array.from(document.querySelectorAll('[data-testid=notification]')).map((n) => n.getBoundingClientRect());
    const controls = Array.from(document.querySelectorAll('button, input, select, textarea, [role=tab], [data-testid=slice-scores]')).filter(
      (c) => !c.closest('[data-testid=notifications]') && (c as HTMLElement).offsetParent !== null,
    );
    const hit: string[] = [];
    for (const c of controls) {
      const r = c.getBoundingClientRect();
      if (boxes.some((b) => b.left < r.right && r.left < b.right && b.top < r.bottom && r.top < b.bottom)) hit.push(c.outerHTML.slice(0, 80));
    }
    return hit;
  });
}
