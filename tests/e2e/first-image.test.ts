// The real renderer, built by `npm run build`, in headless Debian Chromium
// against browser mode: it must render a real CT slice with Cornerstone3D.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createBackend, type Backend } from '../../src-main/core/services';
import { startWebServer, type WebServer } from '../../src-main/web/server';
import { hasChromium, launchChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { dicomSet, outputPath, PROJECT_ROOT } from '../helpers/paths';
import { canvasStats } from '../helpers/canvas';

const rendererDir = path.join(PROJECT_ROOT, 'dist', 'renderer');
const folder = dicomSet('ct-chest-lidc-0314');
const file = path.join(
  folder,
  fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.dcm'))
    .sort()[0]!,
);

describe.skipIf(!hasChromium)(`first image (${hasChromium ? 'Chromium found' : SKIP_NO_CHROMIUM})`, () => {
  let backend: Backend;
  let server: WebServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(rendererDir, 'index.html'))) throw new Error('dist/renderer is missing: run "npm run build" (npm test does it).');
    backend = createBackend({ mode: 'browser', databasePath: ':memory:', allowedRoots: [folder], initialFile: file });
    server = await startWebServer({ handlers: backend.handlers, staticDir: rendererDir });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await backend?.close();
  });

  it('shows a real CT slice through the contract', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 }, deviceScaleFactor: 1 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.launchUrl);
    await page.waitForFunction(() => ['ready', 'error'].includes(document.querySelector('[data-testid=status]')?.textContent ?? ''));
    expect(await page.textContent('[data-testid=message]')).toContain(path.basename(file));
    expect(await page.textContent('[data-testid=status]')).toBe('ready');
    await page.screenshot({ path: outputPath('first-image.png') });
    const stats = await canvasStats(page, '[data-testid=viewport] canvas');
    expect(stats.width).toBeGreaterThan(100);
    expect(stats.litFraction).toBeGreaterThan(0.3); // the body fills most of the viewport
    expect(stats.distinctGreys).toBeGreaterThan(50); // a real image, not a flat fill
    expect(errors).toEqual([]);
  });
});
