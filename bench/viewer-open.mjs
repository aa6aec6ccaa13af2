/**
 * Viewer benchmark (not a test): in browser mode (the built CLI's `serve`, the
 * built renderer, headless Chromium), index the shared DICOM folder, then open
 * the 192-slice MR (mr-brain-t1w-studyforrest) from the series list and
 * measure, in the page, the time from the click to the first image drawn and
 * to every slice decoded and cached, plus the renderer's JS heap
 * (performance.memory and CDP Performance.getMetrics). Each run uses a fresh
 * page (cold renderer caches; the back end's file cache is warm after run 1).
 * Prints a table of every run, the median and the 1-minute load average at the
 * start and the end (the machine is shared: compare builds only as ratios of
 * runs made in the same minutes, e.g. alternating the two builds).
 *
 * `--profile FILE` also records a CPU profile of the page's main thread during
 * the last run's open (Chrome's .cpuprofile format, for DevTools) and prints
 * where its samples went, by self time.
 *
 *   npm run build && node bench/viewer-open.mjs [runs=3] [--profile /tmp/open.cpuprofile]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(import.meta.dirname, '..');
const DICOM = path.resolve(process.env.CLIPSCAN_SHARED_DATA ?? path.join(ROOT, '..', 'shared', 'data'), 'dicom');
const MR_SET = path.join(DICOM, 'mr-brain-t1w-studyforrest');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const args = process.argv.slice(2);
const profileAt = args.indexOf('--profile');
const profileFile = profileAt >= 0 ? args.splice(profileAt, 2)[1] : null;
const runs = Number(args[0] ?? 3);

for (const need of [path.join(ROOT, 'dist', 'main', 'cli.js'), path.join(ROOT, 'dist', 'renderer', 'index.html'), MR_SET, CHROMIUM]) {
  if (!fs.existsSync(need)) {
    console.error(`Missing ${need} (run "npm run build"; the shared data and Chromium must be present).`);
    process.exit(2);
  }
}

const dbDir = fs.mkdtempSync('/tmp/clipscan-bench-');
const server = spawn(process.execPath, [path.join(ROOT, 'dist', 'main', 'cli.js'), 'serve', '--allow', DICOM, '--db', path.join(dbDir, 'caselog.sqlite')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (chunk) => {
    out += chunk;
    const m = out.match(/http:\/\/127\.0\.0\.1:\d+\/\S+/);
    if (m) resolve(m[0]);
  });
  server.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
});

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--enable-precise-memory-info',
  ],
});

/** Self time of the profile's samples by function (name and file), the largest first. */
function printProfile(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const { functionName, url, lineNumber } = nodes.get(profile.samples[i]).callFrame;
    const key = `${functionName || '(anonymous)'} ${url ? `${url.split('/').pop()}:${lineNumber + 1}` : ''}`.trim();
    selfUs.set(key, (selfUs.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  console.log(`CPU profile of the main thread during the open: ${(total / 1000).toFixed(0)} ms of samples, by self time`);
  for (const [key, us] of [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
}

const loadAtStart = os.loadavg()[0];
const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
const rows = [];
try {
  for (let run = 1; run <= runs; run++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const sep = url.includes('?') ? '&' : '?';
    await page.goto(`${url}${sep}folder=${encodeURIComponent(DICOM)}`);
    await page.waitForSelector('[data-testid=index-summary]', { timeout: 120_000 });
    const mrUid = await page.$$eval('[data-testid=series]', (nodes) =>
      nodes.find((n) => n.getAttribute('data-modality') === 'MR' && n.getAttribute('data-instances') === '192')?.getAttribute('data-uid'),
    );
    if (!mrUid) throw new Error('The 192-slice MR is not in the series list.');
    // Let the thumbnails finish so that they do not share the decoder with the measured open.
    await page
      .waitForFunction(() => [...document.querySelectorAll('[data-testid=thumbnail]')].every((c) => c.getAttribute('data-drawn') !== null), null, {
        timeout: 120_000,
      })
      .catch(() => undefined);
    await page.waitForTimeout(1500);
    const heapBefore = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
    const profiling = profileFile !== null && run === runs;
    if (profiling) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    await page.click(`[data-testid=series][data-uid="${mrUid}"]`);
    await page.waitForFunction(() => document.querySelector('[data-testid=cache-progress]')?.getAttribute('data-all-cached-ms'), null, { timeout: 300_000 });
    if (profiling) {
      const { profile } = await cdp.send('Profiler.stop');
      fs.writeFileSync(profileFile, JSON.stringify(profile));
      printProfile(profile);
    }
    const timing = await page.$eval('[data-testid=cache-progress]', (n) => ({
      first: Number(n.getAttribute('data-first-image-ms')),
      all: Number(n.getAttribute('data-all-cached-ms')),
      cached: Number(n.getAttribute('data-cached')),
    }));
    const heapAfter = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
    const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    rows.push({
      run,
      firstImageMs: timing.first,
      allCachedMs: timing.all,
      cached: timing.cached,
      heapBeforeMB: mb(heapBefore),
      heapAfterMB: mb(heapAfter),
      cdpHeapUsedMB: mb(metrics.JSHeapUsedSize ?? 0),
      cdpHeapTotalMB: mb(metrics.JSHeapTotalSize ?? 0),
    });
    await page.close();
  }
} finally {
  await browser.close();
  server.kill('SIGTERM');
  fs.rmSync(dbDir, { recursive: true, force: true });
}

const median = (key) => {
  const v = rows.map((r) => Number(r[key])).sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
};
console.log(`Viewer open: 192-slice MR (384×274, implicit VR LE), browser mode, headless Chromium (SwiftShader), ${runs} run(s)`);
console.table(rows.map((r) => ({ ...r, firstImageMs: Math.round(r.firstImageMs), allCachedMs: Math.round(r.allCachedMs) })));
console.log(`load average (1 min): ${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end, on ${os.cpus().length} cores`);
console.log(
  `median: first image ${Math.round(median('firstImageMs'))} ms, whole stack cached ${Math.round(median('allCachedMs'))} ms, JS heap after ${median('heapAfterMB')} MB`,
);
