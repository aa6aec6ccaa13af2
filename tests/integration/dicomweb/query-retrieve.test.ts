// DICOMweb in, against a real Orthanc with its DICOMweb plugin: QIDO-RS
// queries by patient text (name or ID), date range and modality; WADO-RS
// retrieve of a study into the library, byte for byte, indexed by the real
// indexer; paging; bearer and basic credentials; and the bad cases: an
// unreachable server, a 401, a connection cut mid-retrieve, a cancel — each
// with a clear error, nothing half-written, and a rerun that completes.
// The built CLI (`npm run build:main`) answers `dicomweb query` and `retrieve`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src-main/core/services';
import { searchPatients, searchStudies, studyInstances, parseDateRange } from '../../../src-main/core/dicomweb/qido';
import { retrieveStudy } from '../../../src-main/core/dicomweb/retrieve';
import { parseServer, type DicomwebServer } from '../../../src-main/core/dicomweb/server';
import { FIXTURES, PROJECT_ROOT } from '../../helpers/paths';
import { freePort, SKIP_NO_ORTHANC, skipOrthanc, startOrthanc, type Orthanc } from '../../helpers/orthanc';
import { startProxy } from './proxy';

const CT = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
const MR = path.join(FIXTURES, 'dicom', 'transfer-syntaxes-mr');
const CT_STUDY = '1.3.6.1.4.1.14519.5.2.1.6279.6001.265704884949271879044145982159';
const USER = 'clip';
const PASSWORD = 'pw-never-logged-7f3a';
const CLI = path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js');

let orthanc: Orthanc;
let server: DicomwebServer;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-dicomweb-'));
const backends: Backend[] = [];

function backendAt(name: string): { backend: Backend; libraryDir: string } {
  const backend = createBackend({ mode: 'browser', databasePath: path.join(dir, name, 'c.db'), allowedRoots: [] });
  backends.push(backend);
  return { backend, libraryDir: path.join(dir, name, 'dicomweb') };
}

const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const filesUnder = (d: string): string[] =>
  fs.existsSync(d)
    ? fs
        .readdirSync(d, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.join(e.parentPath, e.name))
    : [];

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, CLIPSCAN_DEBUG: '', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const CREDS = { CLIPSCAN_DICOMWEB_USER: USER, CLIPSCAN_DICOMWEB_PASSWORD: PASSWORD };

describe.skipIf(skipOrthanc)(`DICOMweb query and retrieve (${skipOrthanc ? SKIP_NO_ORTHANC : 'real Orthanc'})`, () => {
  beforeAll(async () => {
    orthanc = await startOrthanc({ users: { [USER]: PASSWORD } });
    for (const f of fs.readdirSync(CT)) await orthanc.upload(path.join(CT, f));
    for (const f of ['1.dcm', '2.dcm']) await orthanc.upload(path.join(MR, f));
    server = parseServer(orthanc.dicomweb, { kind: 'basic', username: USER, password: PASSWORD });
  });
  afterAll(async () => {
    for (const b of backends) await b.close();
    await orthanc?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('queries studies by patient name or ID, date range and modality', async () => {
    expect((await searchStudies(server, {})).map((s) => s.modalities[0]).sort()).toEqual(['CT', 'MR']);
    const byId = await searchStudies(server, { patient: '0314' });
    expect(byId.map((s) => s.studyInstanceUid)).toEqual([CT_STUDY]);
    expect(byId[0]).toMatchObject({ patientId: 'LIDC-IDRI-0314', studyDate: '20000101', modalities: ['CT'], instances: 4 });
    expect((await searchStudies(server, { patient: 'stc_t' })).map((s) => s.patientId)).toEqual(['crlab']);
    expect((await searchStudies(server, { studyDate: '20140101-20141231' })).map((s) => s.modalities)).toEqual([['MR']]);
    expect((await searchStudies(server, { studyDate: '-2001-01-01' })).map((s) => s.studyInstanceUid)).toEqual([CT_STUDY]);
    expect((await searchStudies(server, { modality: 'ct' })).map((s) => s.studyInstanceUid)).toEqual([CT_STUDY]);
    expect(await searchStudies(server, { modality: 'CT', studyDate: '20140310' })).toEqual([]);
    expect((await searchPatients(server, {})).map((p) => [p.patientId, p.studies]).sort()).toEqual([
      ['LIDC-IDRI-0314', 1],
      ['crlab', 1],
    ]);
    expect(() => parseDateRange('2020/01/01')).toThrow(/not a study date or range/);
    expect(() => parseDateRange('20201231-20200101')).toThrow(/ends before it starts/);
  });

  it('pages through the instances of a study', async () => {
    const pages: number[] = [];
    const instances = await studyInstances(server, CT_STUDY, { pageSize: 3, onPage: (n) => pages.push(n) });
    expect(pages).toEqual([3, 4]);
    expect(new Set(instances.map((i) => i.sopInstanceUid)).size).toBe(4);
  });

  it('retrieves a study byte for byte into the library and indexes it, with progress; a second run fetches nothing', async () => {
    const { backend, libraryDir } = backendAt('full');
    const phases = new Set<string>();
    const result = await retrieveStudy(server, CT_STUDY, {
      libraryDir,
      pageSize: 2,
      index: (folder) => backend.handlers.library.indexFolder({ folder }),
      onProgress: (p) => phases.add(p.phase),
    });
    expect([...phases]).toEqual(['listing', 'retrieving', 'indexing', 'done']);
    expect(result).toMatchObject({ instances: 4, retrieved: 4, present: 0 });
    const originals = new Set(fs.readdirSync(CT).map((f) => sha(path.join(CT, f))));
    const written = filesUnder(result.folder);
    expect(written).toHaveLength(4);
    expect(new Set(written.map(sha))).toEqual(originals);
    expect(result.summary.dicomFiles).toBe(4);
    const [study] = await backend.handlers.library.studies({});
    expect(study).toMatchObject({ studyInstanceUid: CT_STUDY, patientId: 'LIDC-IDRI-0314' });
    const again = await retrieveStudy(server, CT_STUDY, { libraryDir, index: (folder) => backend.handlers.library.indexFolder({ folder }) });
    expect(again).toMatchObject({ retrieved: 0, present: 4 });
  });

  it('says clearly when the server is unreachable or wants credentials, never echoing them', async () => {
    const nobody = parseServer(`http://127.0.0.1:${await freePort()}/dicom-web`);
    await expect(searchStudies(nobody, {})).rejects.toMatchObject({
      code: 'DICOMWEB_UNREACHABLE',
      message: expect.stringMatching(/cannot be reached \(ECONNREFUSED\)/),
    });
    await expect(searchStudies(parseServer(orthanc.dicomweb), {})).rejects.toMatchObject({
      code: 'DICOMWEB_UNAUTHORIZED',
      message: expect.stringMatching(/asks for credentials .*HTTP 401/),
    });
    const wrong = parseServer(orthanc.dicomweb.replace('//', `//${USER}:wrong-${PASSWORD}@`));
    const err = await searchStudies(wrong, {}).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'DICOMWEB_UNAUTHORIZED', message: expect.stringMatching(/refused the credentials given/) });
    expect((err as Error).message).not.toContain(PASSWORD);
    expect((err as Error).message).toContain(`basic auth as ${USER}`);
  });

  it('accepts a bearer token (through a proxy that checks it)', async () => {
    const proxy = await startProxy({ target: orthanc.url, forwardHeaders: orthanc.authHeaders, bearer: 'tok-123' });
    try {
      const withToken = parseServer(`${proxy.url}/dicom-web`, { kind: 'bearer', token: 'tok-123' });
      expect(await searchStudies(withToken, { modality: 'CT' })).toHaveLength(1);
      await expect(searchStudies(parseServer(`${proxy.url}/dicom-web`, { kind: 'bearer', token: 'other' }), {})).rejects.toMatchObject({
        code: 'DICOMWEB_UNAUTHORIZED',
        message: expect.not.stringContaining('other'),
      });
    } finally {
      await proxy.close();
    }
  });

  it('keeps what arrived when the connection drops mid-retrieve, leaves no partial file, and completes on the next run', async () => {
    const { backend, libraryDir } = backendAt('cut');
    let instanceAnswers = 0;
    const proxy = await startProxy({
      target: orthanc.url,
      forwardHeaders: orthanc.authHeaders,
      cutWhen: (p) => /\/instances\/[0-9.]+$/.test(p) && ++instanceAnswers === 3,
    });
    try {
      const viaProxy = parseServer(`${proxy.url}/dicom-web`);
      const index = (folder: string) => backend.handlers.library.indexFolder({ folder });
      const err = (await retrieveStudy(viaProxy, CT_STUDY, { libraryDir, index, concurrency: 1 }).catch((e: unknown) => e)) as Error & { code: string };
      expect(err.code).toBe('DICOMWEB_CONNECTION_LOST');
      expect(err.message).toMatch(/connection .* was lost.* 2 of 4 instances are in .*run the retrieve again/);
      const kept = filesUnder(libraryDir);
      expect(kept).toHaveLength(2); // no temporary or half file
      const originals = new Set(fs.readdirSync(CT).map((f) => sha(path.join(CT, f))));
      for (const f of kept) expect(originals.has(sha(f))).toBe(true);
      const done = await retrieveStudy(viaProxy, CT_STUDY, { libraryDir, index });
      expect(done).toMatchObject({ retrieved: 2, present: 2 });
      expect(done.summary.dicomFiles).toBe(4);
    } finally {
      await proxy.close();
    }
  });

  it('cancels between instances, keeping what was fetched', async () => {
    const { backend, libraryDir } = backendAt('cancel');
    const controller = new AbortController();
    const index = (folder: string) => backend.handlers.library.indexFolder({ folder });
    const err = await retrieveStudy(server, CT_STUDY, {
      libraryDir,
      index,
      concurrency: 1,
      signal: controller.signal,
      onProgress: (p) => p.retrieved === 1 && controller.abort(),
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DICOMWEB_CANCELLED', message: expect.stringMatching(/cancelled: 1 of 4 instances/) });
    expect(filesUnder(libraryDir)).toHaveLength(1);
    expect(await retrieveStudy(server, CT_STUDY, { libraryDir, index })).toMatchObject({ retrieved: 3, present: 1 });
  });

  it('answers `clipscan dicomweb query` and `retrieve` from the command line', () => {
    const q = cli(['dicomweb', 'query', '--server', orthanc.dicomweb, '--patient', 'LIDC', '--modality', 'CT', '--json'], CREDS);
    expect(q.status, q.stderr).toBe(0);
    expect(JSON.parse(q.stdout).studies.map((s: { studyInstanceUid: string }) => s.studyInstanceUid)).toEqual([CT_STUDY]);
    const table = cli(['dicomweb', 'query', '--server', orthanc.dicomweb, '--patients'], CREDS);
    expect(table.stdout).toMatch(/LIDC-IDRI-0314/);
    const db = path.join(dir, 'cli', 'c.db');
    fs.mkdirSync(path.dirname(db), { recursive: true });
    const r = cli(['dicomweb', 'retrieve', '--server', orthanc.dicomweb, '--study', CT_STUDY, '--db', db, '--json'], CREDS);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ instances: 4, retrieved: 4, summary: { dicomFiles: 4 } });
    expect(filesUnder(path.join(dir, 'cli', 'dicomweb'))).toHaveLength(4);
    const denied = cli(['dicomweb', 'query', '--server', orthanc.dicomweb], { CLIPSCAN_DICOMWEB_USER: USER, CLIPSCAN_DICOMWEB_PASSWORD: `x${PASSWORD}` });
    expect(denied.status).toBe(1);
    expect(denied.stderr).toMatch(/refused the credentials given \(HTTP 401\)/);
    expect(denied.stderr + denied.stdout).not.toContain(PASSWORD);
    const bad = cli(['dicomweb', 'query', '--server', orthanc.dicomweb, '--study-date', 'last week'], CREDS);
    expect(bad.stderr).toMatch(/not a study date or range/);
  });
});
