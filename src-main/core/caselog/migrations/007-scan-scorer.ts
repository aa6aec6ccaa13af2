/**
 * Migration 007 (issue 15): which zero-shot scorer a scan ran, 'fast' (one
 * forward, last-block patch tokens) or 'winclip' (WinCLIP's window forwards).
 * NULL for the methods with an adapter. Zero-shot scans made before it ran fast.
 * (No existing column could hold it: scans has no options column, and `method`
 * is the method id the contract parses.)
 */
import type { Migration } from '../migration';

export const migration007ScanScorer: Migration = {
  version: 7,
  name: 'scan-scorer',
  up(db) {
    db.exec(`
      ALTER TABLE scans ADD COLUMN scorer TEXT CHECK (scorer IS NULL OR scorer IN ('fast', 'winclip'));
      UPDATE scans SET scorer = 'fast' WHERE method = 'zeroshot';
    `);
  },
};
