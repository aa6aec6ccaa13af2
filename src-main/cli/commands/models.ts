/**
 * `clipscan models`: the installed model bundles.
 *
 *   clipscan models list [--json] [--db FILE]
 *   clipscan models import <folder> [--json]
 *   clipscan models download <manifest-url> --sha256 HEX [--json]   (or a catalog id instead of the URL)
 *   clipscan models verify <id|id@version> [--json]
 *   clipscan models remove <id|id@version> [--json]
 *   clipscan models catalog [--json]
 *   clipscan models add <ViT-B-16|ViT-L-14|ViT-L-14-336> [--json]     (download the official OpenAI file, convert, install)
 *   clipscan models add <file.pt|model.safetensors|folder> [--bpe FILE] [--json]   (convert a checkpoint you have)
 *   clipscan models checkpoints [--json]                               (the official ones, and what the caches hold)
 *   clipscan models add-adapter <file.pkl|file.pth> [--model ID] [--organ WORD] [--json]
 *       (an adapter trained by the original MediCLIP or MadCLIP code, for scans with --adapter)
 *
 * A demo bundle is always printed with "demo model, random weights, not for
 * diagnosis". Ctrl-C during a download stops it and keeps what arrived, so
 * running the same command again resumes.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { DEMO_MODEL_LABEL } from '../../../src-shared/domain/model-bundle';
import type { CatalogEntry, InstalledBundle } from '../../../src-shared/domain/installed-bundle';
import { resolveDatabasePath } from '../../core/config/app-paths';
import { findCachedCheckpoints, readCatalog } from '../../core/models';
import { startEngineHostWorker } from '../../core/engine-client/engine-host-client';
import { summarise } from '../../core/training/training-handlers';
import { trainingMethod } from '../../core/training/methods';
import { formatBytes } from '../../core/models/disk';
import { createBackend, type Backend } from '../../core/services';
import { locateDemoBundle, projectRoot } from '../install-layout';
import { createProgressBar, formatTable } from '../terminal';

const USAGE = `Usage:
  clipscan models list [--json] [--db FILE]
  clipscan models import <folder> [--json]
  clipscan models download <manifest-url> --sha256 HEX [--json]
  clipscan models download <catalog-id> [--json]
  clipscan models verify <id> [--json]
  clipscan models remove <id> [--json]
  clipscan models catalog [--json]
  clipscan models add <ViT-B-16|ViT-L-14|ViT-L-14-336> [--json]
  clipscan models add <file.pt|model.safetensors|folder> [--bpe MERGES] [--json]
  clipscan models checkpoints [--json]
  clipscan models add-adapter <MediCLIP .pkl | MadCLIP .pth> [--model ID] [--organ WORD] [--json]
`;

const NO_MODEL_HINT =
  `No model bundle is installed. Scans use the bundled demo model (${DEMO_MODEL_LABEL}): its results are meaningless.\n` +
  'Get real OpenAI CLIP weights with "clipscan models add ViT-L-14" (or ViT-B-16, ViT-L-14-336), or convert a checkpoint you have with "clipscan models add <file>".\n';

function describe(b: InstalledBundle): string {
  const demo = b.demo ? ` — ${DEMO_MODEL_LABEL}` : '';
  return `${b.key} "${b.displayName}" (${formatBytes(b.totalBytes)}) in ${b.dir}${demo}`;
}

function out(json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : text);
}

function catalogFile(): string {
  return path.join(projectRoot(), 'models', 'catalog.json');
}

async function resolveSource(target: string, sha256: string | undefined): Promise<{ manifestUrl: string; manifestSha256: string }> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    if (!sha256)
      throw new ClipScanError('BAD_ARGUMENTS', 'Give the expected sha256 of the manifest with --sha256 HEX, so a changed or tampered bundle is refused.');
    return { manifestUrl: target, manifestSha256: sha256 };
  }
  const entries = await readCatalog(catalogFile());
  const hit = entries.find((e) => e.id === target || `${e.id}@${e.version}` === target);
  if (!hit) {
    throw new ClipScanError(
      'BAD_ARGUMENTS',
      `"${target}" is neither a URL nor a bundle in the catalog (${entries.length ? entries.map((e) => e.id).join(', ') : 'the catalog is empty'}).`,
    );
  }
  if (sha256 && sha256.toLowerCase() !== hit.manifestSha256)
    throw new ClipScanError('BAD_ARGUMENTS', `--sha256 differs from the catalog's hash for ${hit.id}.`);
  return { manifestUrl: hit.manifestUrl, manifestSha256: hit.manifestSha256 };
}

async function download(backend: Backend, target: string, sha256: string | undefined, json: boolean | undefined): Promise<number> {
  const source = await resolveSource(target, sha256);
  const bar = createProgressBar(process.stderr, !json && process.stderr.isTTY === true);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const b = await backend.models.downloadBundle(source, {
      signal: controller.signal,
      onProgress: (p) => bar.update(p.bytesDone, p.bytesTotal, p.file),
    });
    bar.finish();
    out(json, b, `Installed ${describe(b)}\n`);
    return 0;
  } catch (err) {
    bar.finish();
    if ((err as { code?: string }).code === 'CANCELLED') {
      process.stderr.write(`${(err as Error).message}\n`);
      return 130;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Runs one checkpoint job with a progress bar per phase (download, convert, verify); Ctrl-C cancels it. */
async function addCheckpoint(backend: Backend, source: string, bpe: string | undefined, json: boolean | undefined): Promise<number> {
  const bar = createProgressBar(process.stderr, !json && process.stderr.isTTY === true);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  let phase = '';
  try {
    const bundles = await backend.checkpoints.add(source, {
      ...(bpe ? { bpe } : {}),
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase !== phase) {
          if (phase) bar.finish();
          phase = p.phase;
          if (!json) process.stderr.write(`${{ download: 'Downloading', convert: 'Converting', verify: 'Verifying' }[p.phase]} ${p.detail}\n`);
        }
        bar.update(p.done, p.total, p.detail);
      },
    });
    bar.finish();
    out(json, bundles, bundles.map((b) => `Installed ${describe(b)}\n`).join(''));
    return 0;
  } catch (err) {
    bar.finish();
    if ((err as { code?: string }).code === 'CANCELLED') {
      process.stderr.write(`${(err as Error).message}\n`);
      return 130;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

export async function modelsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      db: { type: 'string' },
      sha256: { type: 'string' },
      model: { type: 'string' },
      organ: { type: 'string' },
      bpe: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [sub, target] = positionals;
  if (!sub || values.help) {
    process.stdout.write(USAGE);
    return sub || values.help ? 0 : 2;
  }
  const needsTarget = ['import', 'download', 'verify', 'remove', 'add', 'add-adapter'];
  if (needsTarget.includes(sub) && !target) {
    process.stderr.write(`clipscan models ${sub}: missing argument.\n${USAGE}`);
    return 2;
  }
  if (sub === 'catalog') {
    const entries: CatalogEntry[] = await readCatalog(catalogFile());
    const rows = entries.map((e) => [`${e.id}@${e.version}`, e.displayName, formatBytes(e.totalBytes), e.licence]);
    out(
      values.json,
      entries,
      entries.length ? `${formatTable(['bundle', 'name', 'size', 'licence'], rows)}\n` : 'The catalog lists no downloadable bundle yet.\n',
    );
    return 0;
  }
  const backend = createBackend({
    mode: 'browser',
    databasePath: resolveDatabasePath({ db: values.db }),
    allowedRoots: [],
    engineHost: () => startEngineHostWorker(),
    demoBundleDir: locateDemoBundle(),
  });
  try {
    switch (sub) {
      case 'list': {
        const list = backend.models.list();
        const rows = list.map((b) => [
          b.key,
          b.displayName,
          formatBytes(b.totalBytes),
          b.installedAt.slice(0, 19).replace('T', ' '),
          b.demo ? DEMO_MODEL_LABEL : '',
        ]);
        out(values.json, list, list.length ? `${formatTable(['bundle', 'name', 'size', 'installed', 'note'], rows)}\n` : NO_MODEL_HINT);
        return 0;
      }
      case 'import': {
        const b = await backend.models.importBundle(target!);
        out(values.json, b, `Installed ${describe(b)}\n`);
        return 0;
      }
      case 'download':
        return await download(backend, target!, values.sha256, values.json);
      case 'add':
        return await addCheckpoint(backend, target!, values.bpe, values.json);
      case 'add-adapter': {
        const a = await backend.training.importOriginal(target!, { modelId: values.model ?? null, ...(values.organ ? { organ: values.organ } : {}) });
        const demo = a.manifest.demo ? ` — ${DEMO_MODEL_LABEL}` : '';
        out(
          values.json,
          summarise(a),
          `Imported ${trainingMethod(a.method).label} adapter ${a.id} for the model ${a.bundleId}@${a.bundleVersion}${demo}.\nScan with it: clipscan scan <folder> --method ${a.method} --adapter ${a.id}${values.model ? ` --model ${values.model}` : ''}\n`,
        );
        return 0;
      }
      case 'checkpoints': {
        const official = backend.checkpoints.official();
        const found = await findCachedCheckpoints();
        const rows = official.map((c) => [
          c.name,
          `about ${formatBytes(c.approxBytes)}`,
          c.licence,
          c.installed ? 'installed' : `clipscan models add ${c.name}`,
          c.purpose,
        ]);
        const cached = found.map((f) => `  ${f.path} (${formatBytes(f.bytes)}, ${f.where}): clipscan models add "${f.path}"\n`).join('');
        out(
          values.json,
          { official, found },
          `${formatTable(['name', 'size', 'licence', 'get', 'for'], rows)}\n${found.length ? `Found on this computer:\n${cached}` : ''}`,
        );
        return 0;
      }
      case 'verify': {
        const b = await backend.models.verify(target!);
        out(values.json, { ...b, verified: true }, `OK: every file of ${b.key} matches its manifest.\n${describe(b)}\n`);
        return 0;
      }
      case 'remove': {
        const b = await backend.models.remove(target!);
        out(values.json, b, `Removed ${b.key}.\n`);
        return 0;
      }
      default:
        process.stderr.write(`Unknown models command "${sub}".\n${USAGE}`);
        return 2;
    }
  } finally {
    await backend.close();
  }
}
