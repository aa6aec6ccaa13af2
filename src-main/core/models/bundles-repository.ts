/** Repository for the `bundles` table (migration 002): one row per installed model bundle. */
import type { Database } from 'better-sqlite3';
import { prepared } from '../caselog/prepared';

export interface BundleRow {
  id: string;
  version: string;
  displayName: string;
  /** Absolute folder of the installed bundle. */
  path: string;
  manifestSha256: string;
  demo: boolean;
  totalBytes: number;
  installedAt: string;
  sourceUrl: string | null;
}

interface Raw {
  id: string;
  version: string;
  display_name: string;
  path: string;
  manifest_sha256: string;
  demo: number;
  total_bytes: number;
  installed_at: string;
  source_url: string | null;
}

const toRow = (r: Raw): BundleRow => ({
  id: r.id,
  version: r.version,
  displayName: r.display_name,
  path: r.path,
  manifestSha256: r.manifest_sha256,
  demo: r.demo !== 0,
  totalBytes: r.total_bytes,
  installedAt: r.installed_at,
  sourceUrl: r.source_url,
});

export class BundlesRepository {
  constructor(private readonly db: Database) {}

  insert(row: BundleRow): void {
    prepared(
      this.db,
      `INSERT INTO bundles (id, version, display_name, path, manifest_sha256, demo, total_bytes, installed_at, source_url)
         VALUES (@id, @version, @displayName, @path, @manifestSha256, @demo, @totalBytes, @installedAt, @sourceUrl)`,
    ).run({ ...row, demo: row.demo ? 1 : 0 });
  }

  list(): BundleRow[] {
    return (prepared(this.db, 'SELECT * FROM bundles ORDER BY id, installed_at').all() as Raw[]).map(toRow);
  }

  /** Every installed version of one id, newest install first. */
  byId(id: string): BundleRow[] {
    return (prepared(this.db, 'SELECT * FROM bundles WHERE id = ? ORDER BY installed_at DESC, version DESC').all(id) as Raw[]).map(toRow);
  }

  get(id: string, version: string): BundleRow | null {
    const r = prepared(this.db, 'SELECT * FROM bundles WHERE id = ? AND version = ?').get(id, version) as Raw | undefined;
    return r ? toRow(r) : null;
  }

  adapterCount(id: string, version: string): number {
    return (prepared(this.db, 'SELECT COUNT(*) AS n FROM adapters WHERE bundle_id = ? AND bundle_version = ?').get(id, version) as { n: number }).n;
  }

  delete(id: string, version: string): void {
    prepared(this.db, 'DELETE FROM bundles WHERE id = ? AND version = ?').run(id, version);
  }
}
