// Layouts beyond 1×2 on the shared data: the studyforrest T1w MR (192 slices)
// and the same patient's BOLD fMRI (another study, 6 time points × 35
// positions). 1×3 at 1366×768 puts the T1w, its anomaly map and the fMRI side
// by side: scrolling the T1w moves the fMRI to the same relative position,
// scrolling the fMRI moves the T1w, and a zoom on one pane zooms all three.
// 2×2 at 1600×1000 shows four panes; the picker puts the fMRI in any pane.
// The layout key steps 1×1 → 1×2 → 1×3 → 2×2 → 1×1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { hasSharedData, outputPath, SKIP_NO_SHARED_DATA } from '../helpers/paths';
import { canvasStats } from '../helpers/canvas';
import { controlsUnderNotifications, DICOM_ROOT, listedSeries, openSeries, startHarness, type Harness } from './workstation-harness';

const skipReason = !hasChromium ? SKIP_NO_CHROMIUM : !hasSharedData ? SKIP_NO_SHARED_DATA : '';
const T1W_POSITIONS = 192;
const FMRI_POSITIONS = 35;

describe.skipIf(skipReason !== '')(`workstation 1×3 and 2×2 layouts${skipReason ? ` (${skipReason})` : ''}`, () => {
  let h: Harness;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    page = await h.browser.newPage({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1 });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${h.server.launchUrl}&folder=${encodeURIComponent(DICOM_ROOT)}`);
    await page.waitForSelector('[data-testid=index-summary]', { timeout: 120_000 });
    const t1w = (await listedSeries(page)).find((s) => s.modality === 'MR' && s.instances === T1W_POSITIONS)!;
    await openSeries(page, t1w.uid);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  });

  const attr = (pane: string, name: string) => page.$eval(`[data-pane=${pane}]`, (n, a) => n.getAttribute(a) ?? '', name);
  const index = async (pane: string) => Number(await attr(pane, 'data-index'));
  /** The fMRI index that matches a T1w index: the same fraction of the way through its 35 positions, on time point 0. */
  const fmriFor = (t1wIndex: number) => Math.round((t1wIndex / (T1W_POSITIONS - 1)) * (FMRI_POSITIONS - 1));
  const waitPaneShows = (pane: string, total: number) =>
    page.waitForFunction(
      ([p, t]) => {
        const n = document.querySelector(`[data-pane=${p}]`);
        return Number(n?.getAttribute('data-total')) === t && Number(n?.getAttribute('data-index')) >= 0;
      },
      [pane, total] as const,
      { timeout: 60_000 },
    );
  /** Panes that overflow the viewer grid (a layout that does not fit). */
  const overflowing = () =>
    page.$eval('[data-testid=viewport-grid]', (grid) => {
      const g = grid.getBoundingClientRect();
      return Array.from(grid.querySelectorAll('[data-testid=viewport]'))
        .filter((n) => {
          const b = n.getBoundingClientRect();
          return b.left < g.left - 1 || b.right > g.right + 1 || b.top < g.top - 1 || b.bottom > g.bottom + 1 || b.width < 50 || b.height < 50;
        })
        .map((n) => n.getAttribute('data-pane'));
    });

  async function rightDragZoom(pane: string): Promise<void> {
    const box = (await (await page.$(`[data-pane=${pane}]`))!.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 + 60, { steps: 6 });
    await page.mouse.up({ button: 'right' });
  }

  it('1×3 at 1366×768: the T1w, its anomaly map and the fMRI of the same patient scroll and zoom together', async () => {
    await page.keyboard.press('g');
    await page.keyboard.press('g');
    expect(await page.$eval('[data-testid=layout-select]', (n) => (n as HTMLSelectElement).value)).toBe('1x3');
    await waitPaneShows('right', T1W_POSITIONS);
    await waitPaneShows('third', 6 * FMRI_POSITIONS);
    expect(await attr('right', 'data-source')).toBe('open');
    expect(await attr('third', 'data-source')).toMatch(/^series:/);
    expect(await page.$eval('[data-testid=pane-source][data-pane=third]', (n) => (n as HTMLSelectElement).selectedOptions[0]?.textContent)).toMatch(
      /MR #401 func_task-oneback_run-1 .*\(other study\)/,
    );
    expect(await index('third')).toBe(fmriFor(await index('left')));

    // Wheel on the T1w: its anomaly map shows the same slice, the fMRI the same relative position.
    const left = (await (await page.$('[data-pane=left]'))!.boundingBox())!;
    await page.mouse.move(left.x + left.width / 2, left.y + left.height / 2);
    const start = await index('left');
    for (let i = 0; i < 12; i++) await page.mouse.wheel(0, 120);
    await page.waitForFunction(
      ([s, positions, fmri]) => {
        const at = (p: string) => Number(document.querySelector(`[data-pane=${p}]`)?.getAttribute('data-index'));
        const l = at('left');
        return Math.abs(l - s) >= 6 && at('right') === l && at('third') === Math.round((l / (positions - 1)) * (fmri - 1));
      },
      [start, T1W_POSITIONS, FMRI_POSITIONS] as const,
    );

    // Wheel on the fMRI: the T1w (and its map) follow to the same relative position.
    const third = (await (await page.$('[data-pane=third]'))!.boundingBox())!;
    await page.mouse.move(third.x + third.width / 2, third.y + third.height / 2);
    const leftBefore = await index('left');
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, 120);
    await page.waitForFunction(
      ([before, positions, fmri]) => {
        const at = (p: string) => Number(document.querySelector(`[data-pane=${p}]`)?.getAttribute('data-index'));
        const l = at('left');
        return l !== before && at('right') === l && Math.abs((l / (positions - 1)) * (fmri - 1) - at('third')) <= 0.5 + 1e-9;
      },
      [leftBefore, T1W_POSITIONS, FMRI_POSITIONS] as const,
    );

    await rightDragZoom('left');
    await page.waitForFunction(() => {
      const z = (p: string) => Number(document.querySelector(`[data-pane=${p}]`)?.getAttribute('data-zoom'));
      return Math.abs(z('left') - 1) > 0.05 && Math.abs(z('left') - z('right')) < 1e-3 && Math.abs(z('left') - z('third')) < 1e-3;
    });
    await page.waitForTimeout(300);
    await page.screenshot({ path: outputPath('layout-1x3-1366x768.png') });
    expect(await overflowing()).toEqual([]);
    // The folder's unreadable files leave an error notification: it stays clear of the pane pickers.
    expect(await controlsUnderNotifications(page)).toEqual([]);
    for (const pane of ['left', 'right', 'third']) expect((await canvasStats(page, `[data-pane=${pane}] canvas`)).litFraction, pane).toBeGreaterThan(0.1);
    expect(errors).toEqual([]);
  });

  it('2×2 at 1600×1000: four panes in step, the fMRI chosen for any of them', async () => {
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.selectOption('[data-testid=layout-select]', '2x2');
    await waitPaneShows('fourth', T1W_POSITIONS);
    expect(await attr('third', 'data-source')).toMatch(/^series:/);
    // The picker: the fMRI in the top-right pane instead of the anomaly map.
    const fmri = await attr('third', 'data-source');
    await page.selectOption('[data-testid=pane-source][data-pane=right]', fmri);
    await waitPaneShows('right', 6 * FMRI_POSITIONS);
    expect(await index('right')).toBe(fmriFor(await index('left')));

    await page.keyboard.press('r');
    await page.waitForFunction(() => Math.abs(Number(document.querySelector('[data-pane=left]')?.getAttribute('data-zoom')) - 1) < 1e-3);
    await rightDragZoom('fourth');
    await page.waitForFunction(() => {
      const z = (p: string) => Number(document.querySelector(`[data-pane=${p}]`)?.getAttribute('data-zoom'));
      const all = ['left', 'right', 'third', 'fourth'].map(z);
      return Math.abs(all[0]! - 1) > 0.05 && all.every((v) => Math.abs(v - all[0]!) < 1e-3);
    });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(
      ([positions, fmri]) => {
        const at = (p: string) => Number(document.querySelector(`[data-pane=${p}]`)?.getAttribute('data-index'));
        const want = Math.round((at('left') / (positions - 1)) * (fmri - 1));
        return at('fourth') === at('left') && at('right') === want && at('third') === want;
      },
      [T1W_POSITIONS, FMRI_POSITIONS] as const,
    );
    await page.waitForTimeout(300);
    await page.screenshot({ path: outputPath('layout-2x2-1600x1000.png') });
    expect(await overflowing()).toEqual([]);
    for (const pane of ['left', 'right', 'third', 'fourth'])
      expect((await canvasStats(page, `[data-pane=${pane}] canvas`)).litFraction, pane).toBeGreaterThan(0.1);

    // 2×2 also fits the laptop size; the layout key then goes back to one viewport.
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.waitForTimeout(400);
    await page.screenshot({ path: outputPath('layout-2x2-1366x768.png') });
    expect(await overflowing()).toEqual([]);
    await page.keyboard.press('g');
    await page.waitForSelector('[data-pane=right]', { state: 'detached' });
    expect((await canvasStats(page, '[data-pane=left] canvas')).litFraction).toBeGreaterThan(0.1);
    expect(errors).toEqual([]);
  });
});
