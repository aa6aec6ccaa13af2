/**
 * A case log that cannot be trusted or written: a file with random bytes in
 * the middle is refused on open (PRAGMA quick_check), with its path and a
 * hint, before anything is written, and left byte for byte as it was; a full
 * disk (the file is a link to /dev/full) and a read-only file give errors that
 * name the file and the cause, from the library and from the CLI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCaseLog } from '../../../src-main/core/caselog';
import { explainCaseLogError } from '../../../src-main/core/caselog/open';
import { indexFolder } from '../../../src-main/core/dicom/indexer';
import { FIXTURES, PROJECT_ROOT } from '../../helpers/paths';

const CLI = path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js');
const CT = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
let dir: string;

beforeAll(() => {
  execFileSync('npm', ['run', 'build:main', '--silent'], { cwd: PROJECT_ROOT, stdio: 'ignore' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-damaged-'));
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('a damaged case log', () => {
  it('is refused on open with its path and a hint, and left untouched', async () => {
    const file = path.join(dir, 'damaged.db');
    const log = openCaseLog(file);
    await indexFolder(log, CT);
    log.db.pragma('wal_checkpoint(TRUNCATE)');
    log.close();
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    const pages = bytes.length / pageSize;
    expect(pages).toBeGreaterThan(4);
    // Random bytes over the middle third of the file (whole pages, their headers included).
    const from = Math.floor(pages / 3) * pageSize;
    crypto.randomFillSync(bytes, from, Math.max(1, Math.floor(pages / 3)) * pageSize);
    fs.writeFileSync(file, bytes);
    const before = sha(file);
    const listing = fs.readdirSync(dir).sort();

    expect(() => openCaseLog(file)).toThrow(expect.objectContaining({ code: 'CASELOG_DAMAGED', message: expect.stringContaining(file) }));
    expect(() => openCaseLog(file)).toThrow(/damaged[\s\S]*(backup|--db)/);
    expect(sha(file)).toBe(before);
    expect(fs.readdirSync(dir).sort()).toEqual(listing);

    const cli = spawnSync(process.execPath, [CLI, 'index', CT, '--db', file], { encoding: 'utf8' });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(file);
    expect(cli.stderr).toMatch(/damaged/);
    expect(sha(file)).toBe(before);
  });

  it.skipIf(!fs.existsSync('/dev/full'))('a full disk names the file and the cause', () => {
    const link = path.join(dir, 'full.db');
    fs.symlinkSync('/dev/full', link);
    expect(() => openCaseLog(link)).toThrow(expect.objectContaining({ message: expect.stringMatching(new RegExp(`${link}[\\s\\S]*disk is full`)) }));
    const cli = spawnSync(process.execPath, [CLI, 'index', CT, '--db', link], { encoding: 'utf8' });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(link);
    expect(cli.stderr).toMatch(/disk is full/);
  });

  it('a write refused because the file is read-only names the file and the cause', () => {
    const file = path.join(dir, 'readonly.db');
    openCaseLog(file).close();
    const conn = new Database(file, { readonly: true });
    let caught: unknown;
    try {
      conn.prepare('DELETE FROM folders').run();
    } catch (err) {
      caught = err;
    } finally {
      conn.close();
    }
    const explained = explainCaseLogError(caught, file);
    expect(explained).toMatchObject({ code: 'CASELOG_READ_ONLY', message: expect.stringMatching(/readonly\.db.*read-only/) });
  });
});
