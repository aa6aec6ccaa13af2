/**
 * Helpers for the report-from-scan tests: run the built CLI as a child
 * process, read the case log's exports with a plain SQLite connection, hash
 * files, and count grey / warm pixels in a region of a rendered page or PNG.
 *
 *   const r = cli(['report', '--scan', '1', '--format', 'pdf', '--out', f, '--db', db, '--json']);
 *   const rows = exportRows(db);
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PROJECT_ROOT } from '../../helpers/paths';

export const CLI = path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[]): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, CLIPSCAN_DEBUG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `clipscan <args> --json`, asserting success; the parsed JSON line. */
export function cliJson<T = Record<string, unknown>>(args: string[]): T {
  const r = cli([...args, '--json']);
  if (r.status !== 0) throw new Error(`clipscan ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

export interface ExportRowFromDb {
  id: number;
  scan_id: number | null;
  series_instance_uid: string | null;
  format: string;
  path: string;
  bytes: number;
  sha256: string;
  deidentified: number;
}

export function exportRows(db: string): ExportRowFromDb[] {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return conn
      .prepare('SELECT id, scan_id, series_instance_uid, format, path, bytes, sha256, deidentified FROM exports ORDER BY id')
      .all() as ExportRowFromDb[];
  } finally {
    conn.close();
  }
}

export function scanImageRows(
  db: string,
  scanId: number,
): { id: number; seq: number; score: number; series_instance_uid: string; map_rows: number; map_columns: number }[] {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return conn
      .prepare(`SELECT id, seq, score, series_instance_uid, map_rows, map_columns FROM scan_images WHERE scan_id = ? AND status = 'done' ORDER BY seq`)
      .all(scanId) as never;
  } finally {
    conn.close();
  }
}

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export interface Rgba {
  width: number;
  height: number;
  /** 4 bytes per pixel (pngjs always decodes to RGBA). */
  data: Uint8Array;
}

/** Grey (r = g = b, not black) and warm (heatmap orange/yellow/red) pixels inside a pixel rectangle. */
export function countPixels(img: Rgba, rect: { x0: number; y0: number; x1: number; y1: number }): { grey: number; warm: number; total: number } {
  let grey = 0;
  let warm = 0;
  for (let y = rect.y0; y < rect.y1; y++) {
    for (let x = rect.x0; x < rect.x1; x++) {
      const i = (y * img.width + x) * 4;
      const [r, g, b] = [img.data[i], img.data[i + 1], img.data[i + 2]];
      if (Math.abs(r - g) <= 6 && Math.abs(g - b) <= 6 && r > 40) grey++;
      if (r > 110 && r >= g && r - b > 50) warm++;
    }
  }
  return { grey, warm, total: (rect.x1 - rect.x0) * (rect.y1 - rect.y0) };
}

/** A rectangle in PDF points (from the top-left) as pixels of a page rendered at `dpi`, one pixel inside each edge. */
export function pointsToPixels(rect: { x: number; y: number; width: number; height: number }, dpi: number): { x0: number; y0: number; x1: number; y1: number } {
  const k = dpi / 72;
  return {
    x0: Math.ceil(rect.x * k) + 1,
    y0: Math.ceil(rect.y * k) + 1,
    x1: Math.floor((rect.x + rect.width) * k) - 1,
    y1: Math.floor((rect.y + rect.height) * k) - 1,
  };
}
