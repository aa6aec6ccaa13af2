// Keyboard reach and accessible names in browser mode: every button, input and
// select of the workstation has a name a screen reader can say; the side
// panel's tabs follow the tab-list keys (Left/Right) and Tab reaches them; the
// help overlay is a modal dialog that takes the focus, lists the keymap
// groups in their order (Training included) and closes with Escape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser';
import { hasSharedData, outputPath } from '../helpers/paths';
import { newPage, openDataFolder, startHarness, type Harness } from './workstation-harness';

describe.skipIf(!hasChromium)(`workstation keyboard and accessible names${hasChromium ? '' : ` (${SKIP_NO_CHROMIUM})`}`, () => {
  let h: Harness;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    page = await newPage(h, errors);
    if (hasSharedData) await openDataFolder(page);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  /** Controls on screen without an accessible name (aria-label, aria-labelledby, text, a wrapping label, title). */
  const unnamedControls = () =>
    page.$$eval('button, input, select, textarea', (nodes) =>
      nodes
        .filter((n) => (n as HTMLElement).offsetParent !== null)
        .filter((n) => {
          const el = n as HTMLElement;
          const named =
            el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.getAttribute('title') || el.closest('label')?.textContent?.trim();
          return !named && !(el.tagName === 'BUTTON' && el.textContent?.trim());
        })
        .map((n) => n.outerHTML.slice(0, 120)),
    );

  it('names every control, in every side-panel tab', async () => {
    for (const tab of ['scan', 'train', 'caselog', 'models', 'dicomweb']) {
      await page.click(`[data-tab=${tab}]`);
      expect(await unnamedControls(), tab).toEqual([]);
    }
  });

  it('moves between side-panel tabs with the arrow keys and reaches them with Tab', async () => {
    await page.click('[data-tab=scan]');
    await page.focus('[data-tab=scan]');
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('[data-tab=train][aria-selected=true]');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-tab'))).toBe('train');
    expect(await page.getAttribute('[role=tabpanel]', 'aria-labelledby')).toBe('tab-train');
    await page.keyboard.press('ArrowLeft');
    await page.waitForSelector('[data-tab=scan][aria-selected=true]');
    // From the body, Tab eventually lands on the selected tab (the others are skipped: roving tabindex).
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate(() => document.activeElement?.getAttribute('data-tab'))) === 'scan';
    }
    expect(reached).toBe(true);
  });

  it('opens the help as a modal dialog with the keymap groups in order', async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('?');
    await page.waitForSelector('[data-testid=help-overlay] [role=dialog][aria-modal=true]');
    await page.waitForFunction(() => document.activeElement?.textContent === 'Close');
    const groups = await page.$$eval('[data-testid=help-overlay] section', (s) => s.map((x) => x.getAttribute('data-group')));
    expect(groups).toEqual(['Navigation', 'Tools', 'Window/level', 'View', 'Layers', 'Scans', 'Training', 'Library', 'Help']);
    expect(await page.$$eval('[data-testid=help-overlay] tr[data-action^="training."]', (r) => r.length)).toBe(2);
    // Nothing, notifications included, lies over the dialog's title.
    const titleOnTop = await page.$eval('#help-title', (h) => {
      const r = h.getBoundingClientRect();
      return document.elementFromPoint(r.left + 4, r.top + r.height / 2) === h;
    });
    expect(titleOnTop).toBe(true);
    // The Close button lies whole inside the dialog, with room below it, at every size.
    for (const size of [
      { width: 1280, height: 800 },
      { width: 1366, height: 768 },
    ]) {
      await page.setViewportSize(size);
      const room = await page.$eval('[data-testid=help-overlay] [role=dialog]', (panel) => {
        const close = panel.querySelector('button')!.getBoundingClientRect();
        const box = panel.getBoundingClientRect();
        return { below: box.bottom - close.bottom, onTop: document.elementFromPoint(close.left + 4, close.top + close.height / 2)?.textContent };
      });
      expect(room.below).toBeGreaterThanOrEqual(8);
      expect(room.onTop).toBe('Close');
    }
    await page.screenshot({ path: outputPath('workstation-help-groups.png') });
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=help-overlay]', { state: 'detached' });
    expect(errors).toEqual([]);
  });
});
