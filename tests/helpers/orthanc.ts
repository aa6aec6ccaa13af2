/**
 * A real Orthanc DICOM server with its DICOMweb plugin for tests: started from
 * the Debian packages `orthanc` and `orthanc-dicomweb` (never the system
 * service) on free loopback ports (HTTP and DICOM), with a temporary storage
 * folder and configuration, waited for until it answers, and stopped (and its
 * folder removed) afterwards.
 *
 *   const orthanc = await startOrthanc({ users: { clip: 'secret' } });
 *   await orthanc.upload(file);           // POST /instances (Orthanc REST)
 *   orthanc.dicomweb                      // http://127.0.0.1:PORT/dicom-web
 *   await orthanc.stop();
 *
 * Tests call `orthancOrSkip()`: when the binary or plugin is missing the test
 * fails with the install line, or, with CLIPSCAN_SKIP_MISSING=1, is skipped
 * with that reason.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ORTHANC_BIN = process.env.CLIPSCAN_ORTHANC ?? '/usr/sbin/Orthanc';
const PLUGIN_CANDIDATES = ['/usr/share/orthanc/plugins/libOrthancDicomWeb.so', '/usr/lib/orthanc/libOrthancDicomWeb.so'];
export const ORTHANC_INSTALL = 'sudo apt-get install orthanc orthanc-dicomweb';

export function dicomwebPlugin(): string | null {
  return PLUGIN_CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

export const hasOrthanc = fs.existsSync(ORTHANC_BIN) && dicomwebPlugin() !== null;
const skipMissing = process.env.CLIPSCAN_SKIP_MISSING === '1';

/**
 * For `describe.skipIf(skipOrthanc)`: true only when Orthanc is missing and
 * CLIPSCAN_SKIP_MISSING=1. When it is missing without that flag, the suite runs
 * and startOrthanc() fails with the install instructions.
 */
export const skipOrthanc = !hasOrthanc && skipMissing;
export const SKIP_NO_ORTHANC = `needs Orthanc with its DICOMweb plugin (${ORTHANC_BIN}): ${ORTHANC_INSTALL}`;

export interface Orthanc {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** The DICOMweb root: http://127.0.0.1:PORT/dicom-web */
  readonly dicomweb: string;
  readonly httpPort: number;
  readonly dicomPort: number;
  /** Headers that authenticate as the first configured user (empty without users). */
  readonly authHeaders: Record<string, string>;
  /** Stores one DICOM file through Orthanc's REST API. */
  upload(file: string): Promise<void>;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startOrthanc(options: { users?: Record<string, string> } = {}): Promise<Orthanc> {
  const plugin = dicomwebPlugin();
  if (!fs.existsSync(ORTHANC_BIN) || !plugin) throw new Error(`${SKIP_NO_ORTHANC} (or set CLIPSCAN_SKIP_MISSING=1 to skip)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-orthanc-'));
  const [httpPort, dicomPort] = [await freePort(), await freePort()];
  const users = options.users ?? {};
  const config = {
    Name: 'CLIPSCAN_TEST',
    StorageDirectory: path.join(dir, 'storage'),
    IndexDirectory: path.join(dir, 'storage'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: 'CLIPSCANTEST',
    RemoteAccessAllowed: false,
    AuthenticationEnabled: Object.keys(users).length > 0,
    RegisteredUsers: users,
    HttpServerEnabled: true,
    DicomServerEnabled: true,
    ConcurrentJobs: 1,
    HttpThreadsCount: 8,
    StorageCompression: false,
    Plugins: [plugin],
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false, Ssl: false, StudiesMetadata: 'Full', SeriesMetadata: 'Full' },
  };
  const configFile = path.join(dir, 'orthanc.json');
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const child: ChildProcess = spawn(ORTHANC_BIN, [configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));

  const url = `http://127.0.0.1:${httpPort}`;
  const [firstUser] = Object.entries(users);
  const authHeaders: Record<string, string> = firstUser ? { authorization: `Basic ${Buffer.from(`${firstUser[0]}:${firstUser[1]}`).toString('base64')}` } : {};

  const stop = async () => {
    if (exited === undefined) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  // Waits until the REST API answers (Orthanc opens its index first).
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== undefined) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`Orthanc exited (code ${exited}) before answering:\n${log}`);
    }
    const ok = await fetch(`${url}/system`, { headers: authHeaders }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Orthanc did not answer on ${url} within 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    dicomweb: `${url}/dicom-web`,
    httpPort,
    dicomPort,
    authHeaders,
    async upload(file) {
      const res = await fetch(`${url}/instances`, {
        method: 'POST',
        body: fs.readFileSync(file),
        headers: { ...authHeaders, 'content-type': 'application/dicom' },
      });
      if (!res.ok) throw new Error(`Orthanc refused ${file}: HTTP ${res.status} ${await res.text()}`);
    },
    stop,
  };
}
