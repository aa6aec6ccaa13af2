/**
 * `clipscan serve`: browser mode. Starts the back end and the built renderer on
 * 127.0.0.1 (a free port unless --port), with a per-launch token, and prints
 * the address to open.
 *
 *   clipscan serve [--port N] [--allow FOLDER]... [--open FILE] [--db FILE]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createBackend } from '../../core/services';
import { resolveDatabasePath } from '../../core/config/app-paths';
import { startWebServer, type WebServer } from '../../web/server';
import { checkedEventSink } from '../../../src-shared/contract/server';
import { locateRendererDir, locateDefaultSample, locateDemoBundle } from '../install-layout';
import { startEngineHostWorker } from '../../core/engine-client/engine-host-client';

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      allow: { type: 'string', multiple: true },
      open: { type: 'string' },
      db: { type: 'string' },
    },
  });
  const allowed = (values.allow ?? []).map((p) => path.resolve(p));
  let initialFile = values.open ? path.resolve(values.open) : null;
  if (initialFile) allowed.push(path.dirname(initialFile));
  if (!initialFile) {
    const sample = locateDefaultSample();
    if (sample) {
      initialFile = sample;
      allowed.push(path.dirname(sample));
    }
  }
  let server: WebServer | null = null;
  const backend = createBackend({
    mode: 'browser',
    emit: checkedEventSink((name, payload) => server?.emit(name, payload)),
    databasePath: resolveDatabasePath({ db: values.db }),
    allowedRoots: allowed,
    confined: true,
    initialFile,
    engineHost: () => startEngineHostWorker(),
    demoBundleDir: locateDemoBundle(),
  });
  server = await startWebServer({
    handlers: backend.handlers,
    staticDir: locateRendererDir(),
    port: values.port ? Number(values.port) : undefined,
  });
  process.stdout.write(`ClipScan is running in browser mode. Open:\n  ${server.launchUrl}\n(loopback only; press Ctrl+C to stop)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await backend.close();
  return 0;
}
