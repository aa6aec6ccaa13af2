/**
 * Test projects: `unit` (tests/unit: pure and Node-level tests of one module,
 * seconds), `integration` (tests/integration: real SQLite, ONNX sessions, DICOM
 * files, worker threads, the built CLI; minutes) and `e2e` (the built renderer
 * in headless Debian Chromium against browser mode).
 * `npm test` (scripts/test.mjs) builds first, checks system prerequisites and
 * runs the three in that order.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/chaos/**/*.test.ts'],
          testTimeout: 60_000,
          // Setup hooks build the app or run Python exports: on a loaded 2-core machine they need minutes.
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
