// The DICOMweb contract calls (what the UI uses) against a real Orthanc with
// basic auth: the server state never carries the password; a query by
// patient, date and modality; a retrieve that emits progress events and can
// be cancelled, then resumed into the library; and a send of a scan's
// results, found again with QIDO-RS in the source study.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src-main/core/services';
import { createInProcessHost } from '../../../src-main/core/engine-host/in-process';
import { FIXTURES, PROJECT_ROOT } from '../../helpers/paths';
import { SKIP_NO_ORTHANC, skipOrthanc, startOrthanc, type Orthanc } from '../../helpers/orthanc';

const CT = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
const CT_STUDY = '1.3.6.1.4.1.14519.5.2.1.6279.6001.265704884949271879044145982159';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-dicomweb-calls-'));
let orthanc: Orthanc;
let backend: Backend;
const events: { name: string; payload: unknown }[] = [];

describe.skipIf(skipOrthanc)(`DICOMweb contract calls (${skipOrthanc ? SKIP_NO_ORTHANC : 'real Orthanc'})`, () => {
  beforeAll(async () => {
    orthanc = await startOrthanc({ users: { clip: 'calls-pw' } });
    for (const f of fs.readdirSync(CT)) await orthanc.upload(path.join(CT, f));
    backend = createBackend({
      mode: 'browser',
      databasePath: path.join(dir, 'c.db'),
      allowedRoots: [],
      demoBundleDir: path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo'),
      engineHost: createInProcessHost,
      emit: (name, payload) => events.push({ name, payload }),
    });
  }, 120_000);
  afterAll(async () => {
    await backend?.close();
    await orthanc?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('needs a server first, and keeps its credentials to itself', async () => {
    await expect(backend.handlers.dicomweb.query({})).rejects.toMatchObject({ code: 'NO_DICOMWEB_SERVER' });
    expect(await backend.handlers.dicomweb.server({})).toEqual({ configured: false, server: null, auth: 'none' });
    const state = await backend.handlers.dicomweb.setServer({ url: orthanc.dicomweb, auth: { kind: 'basic', username: 'clip', password: 'calls-pw' } });
    expect(state).toMatchObject({ configured: true, auth: 'basic' });
    expect(JSON.stringify(state)).not.toContain('calls-pw');
  });

  it('answers a 401 with a clear error when the password is wrong, naming no password', async () => {
    await backend.handlers.dicomweb.setServer({ url: orthanc.dicomweb, auth: { kind: 'basic', username: 'clip', password: 'wrong-pw' } });
    const err = (await backend.handlers.dicomweb.query({}).then(
      () => null,
      (e: unknown) => e,
    )) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/401|credentials|refused|authori/i);
    expect(err.message).not.toContain('wrong-pw');
    await backend.handlers.dicomweb.setServer({ url: orthanc.dicomweb, auth: { kind: 'basic', username: 'clip', password: 'calls-pw' } });
  });

  it('queries studies by patient, date and modality', async () => {
    const all = await backend.handlers.dicomweb.query({ patient: 'LIDC-IDRI-0314' });
    expect(all.map((s) => s.studyInstanceUid)).toEqual([CT_STUDY]);
    expect(all[0]).toMatchObject({ patientId: 'LIDC-IDRI-0314', modalities: ['CT'], instances: 4 });
    expect(await backend.handlers.dicomweb.query({ modality: 'MR' })).toEqual([]);
    await expect(backend.handlers.dicomweb.query({ studyDate: 'last week' })).rejects.toThrow(/date/i);
  });

  it('retrieves a study with progress events, is cancelled on request, and resumes into the library', async () => {
    events.length = 0;
    // The handler registers the retrieve before its first await: a cancel right after the call stops it.
    const first = backend.handlers.dicomweb.retrieve({ studyInstanceUid: CT_STUDY });
    await backend.handlers.dicomweb.cancelRetrieve({ studyInstanceUid: CT_STUDY });
    await expect(first).rejects.toThrow(/cancel/i);
    const again = await backend.handlers.dicomweb.retrieve({ studyInstanceUid: CT_STUDY });
    expect(again.instances).toBe(4);
    expect(again.retrieved + again.present).toBe(4);
    const progress = events.filter((e) => e.name === 'dicomweb.retrieveProgress').map((e) => e.payload as { phase: string; total: number });
    expect(progress.at(-1)).toMatchObject({ phase: 'done', total: 4 });
    const studies = await backend.handlers.library.studies({});
    expect(studies.map((s) => s.studyInstanceUid)).toEqual([CT_STUDY]);
    expect(studies[0]!.series[0]!.instances).toBe(4);
  });

  it("sends a scan's results, which the server then lists in the study", async () => {
    const [study] = await backend.handlers.library.studies({});
    const seriesInstanceUid = study!.series[0]!.seriesInstanceUid;
    const scanId = await backend.scans.create({ seriesInstanceUids: [seriesInstanceUid], method: 'zeroshot' });
    await backend.scans.run(scanId);
    const sent = await backend.handlers.dicomweb.send({ scanId, deidentify: false });
    expect(sent.stored.map((s) => s.kind)).toEqual(['seg', 'pmap', 'sr']);
    const after = await backend.handlers.dicomweb.query({ patient: 'LIDC-IDRI-0314' });
    expect(after[0]!.modalities).toEqual(expect.arrayContaining(['CT', 'SEG', 'SR']));
    expect(after[0]!.instances).toBe(7);
  }, 120_000);
});
