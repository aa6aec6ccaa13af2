/**
 * Trained adapters in the case log (migration 002's `adapters` table): register
 * a finished adapter folder, look one up for a scan, list them.
 * The table's foreign key needs the adapter's bundle in `bundles`; the bundled
 * demo model is not installed there, so registering a demo adapter records the
 * demo bundle's folder (INSERT OR IGNORE; it stays marked demo).
 *
 *   const adapters = new AdapterRepository(db);
 *   adapters.register(manifest, adapterDir, { dir, displayName, totalBytes });
 *   const a = adapters.find('mediclip-brain-1');   // { id, dir, method, bundleId, bundleVersion, manifest }
 */
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { prepared } from '../prepared';
import { ClipScanError } from '../../../../src-shared/contract/errors';
import { AdapterManifestSchema, type AdapterManifest } from '../../../../src-shared/domain/adapter-manifest';

export interface RegisteredAdapter {
  id: string;
  dir: string;
  method: AdapterManifest['method'];
  bundleId: string;
  bundleVersion: string;
  manifest: AdapterManifest;
  createdAt: string;
}

/** What the case log records about the bundle a demo adapter was trained on. */
export interface AdapterBundleFolder {
  dir: string;
  displayName: string;
  totalBytes: number;
}

function registerAdapter(db: Database, manifest: AdapterManifest, adapterDir: string, bundle: AdapterBundleFolder): void {
  db.transaction(() => {
    const known = db.prepare('SELECT 1 FROM bundles WHERE id = ? AND version = ?').get(manifest.bundle.id, manifest.bundle.version);
    if (!known) {
      if (!manifest.bundle.demo) {
        throw new ClipScanError(
          'MODEL_NOT_INSTALLED',
          `The model ${manifest.bundle.id}@${manifest.bundle.version} is not installed; import it before registering adapters trained on it.`,
        );
      }
      db.prepare(
        `INSERT OR IGNORE INTO bundles (id, version, display_name, path, manifest_sha256, demo, total_bytes, installed_at, source_url)
                  VALUES (?, ?, ?, ?, ?, 1, ?, ?, NULL)`,
      ).run(
        manifest.bundle.id,
        manifest.bundle.version,
        bundle.displayName,
        path.resolve(bundle.dir),
        manifest.bundle.manifestSha256,
        bundle.totalBytes,
        new Date().toISOString(),
      );
    }
    db.prepare(`INSERT OR REPLACE INTO adapters (id, bundle_id, bundle_version, method, path, manifest_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
      manifest.id,
      manifest.bundle.id,
      manifest.bundle.version,
      manifest.method,
      path.resolve(adapterDir),
      JSON.stringify(manifest),
      manifest.createdAt,
    );
  }).immediate();
}

interface Row {
  id: string;
  bundle_id: string;
  bundle_version: string;
  method: string;
  path: string;
  manifest_json: string;
  created_at: string;
}

function fromRow(r: Row): RegisteredAdapter {
  const manifest = AdapterManifestSchema.parse(JSON.parse(r.manifest_json));
  return { id: r.id, dir: r.path, method: manifest.method, bundleId: r.bundle_id, bundleVersion: r.bundle_version, manifest, createdAt: r.created_at };
}

export class AdapterRepository {
  constructor(private readonly db: Database) {}

  register(manifest: AdapterManifest, adapterDir: string, bundle: AdapterBundleFolder): void {
    registerAdapter(this.db, manifest, adapterDir, bundle);
  }

  find(id: string): RegisteredAdapter | null {
    const r = prepared(this.db, 'SELECT * FROM adapters WHERE id = ?').get(id) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  list(): RegisteredAdapter[] {
    return (prepared(this.db, 'SELECT * FROM adapters ORDER BY created_at').all() as Row[]).map(fromRow);
  }
}
