/**
 * Migration 004 (issue 17): which vision tower a scan runs, 'fp32' (vision.onnx)
 * or 'int8' (vision.int8.onnx). Scans made before it ran fp32.
 */
import type { Migration } from '../migration';

export const migration004ScanPrecision: Migration = {
  version: 4,
  name: 'scan-precision',
  up(db) {
    db.exec(`ALTER TABLE scans ADD COLUMN precision TEXT NOT NULL DEFAULT 'fp32' CHECK (precision IN ('fp32', 'int8'))`);
  },
};
