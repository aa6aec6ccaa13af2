// STOW-RS against a real Orthanc: a scan of the chest CT fixture (demo
// bundle, real ONNX session) is sent with `clipscan dicomweb send`; the SEG,
// Parametric Map and SR are then found again with QIDO-RS in the CT's study,
// and retrieved with WADO-RS into a fresh library, where they are indexed
// beside the CT slices (SEG and SR as non-image objects).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src-main/core/services';
import { createInProcessHost } from '../../../src-main/core/engine-host/in-process';
import { jsonString, type DicomJsonDataset } from '../../../src-main/core/dicomweb/dicom-json';
import { searchStudies } from '../../../src-main/core/dicomweb/qido';
import { retrieveStudy } from '../../../src-main/core/dicomweb/retrieve';
import { parseServer, type DicomwebServer } from '../../../src-main/core/dicomweb/server';
import { buildDicomResults } from '../../../src-main/core/dicom-out/export-dicom';
import { storeInstances } from '../../../src-main/core/dicomweb/stow';
import { FIXTURES, PROJECT_ROOT } from '../../helpers/paths';
import { SKIP_NO_ORTHANC, skipOrthanc, startOrthanc, type Orthanc } from '../../helpers/orthanc';

const CT = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
const CT_STUDY = '1.3.6.1.4.1.14519.5.2.1.6279.6001.265704884949271879044145982159';
const CLI = path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-stow-'));
const db = path.join(dir, 'c.db');
let orthanc: Orthanc;
let server: DicomwebServer;
let backend: Backend;
let scanId: number;

describe.skipIf(skipOrthanc)(`DICOMweb send (${skipOrthanc ? SKIP_NO_ORTHANC : 'real Orthanc'})`, () => {
  beforeAll(async () => {
    orthanc = await startOrthanc({ users: { clip: 'stow-pw' } });
    server = parseServer(orthanc.dicomweb, { kind: 'basic', username: 'clip', password: 'stow-pw' });
    for (const f of fs.readdirSync(CT)) await orthanc.upload(path.join(CT, f));
    backend = createBackend({
      mode: 'browser',
      databasePath: db,
      allowedRoots: [],
      demoBundleDir: path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo'),
      engineHost: createInProcessHost,
    });
    await backend.handlers.library.indexFolder({ folder: CT });
    const [study] = await backend.handlers.library.studies({});
    scanId = await backend.scans.create({ seriesInstanceUids: [study!.series[0]!.seriesInstanceUid], method: 'zeroshot' });
    await backend.scans.run(scanId);
  });
  afterAll(async () => {
    await backend?.close();
    await orthanc?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends SEG, Parametric Map and SR with `clipscan dicomweb send`, then finds and retrieves them', async () => {
    const r = spawnSync(process.execPath, [CLI, 'dicomweb', 'send', '--server', orthanc.dicomweb, '--scan', String(scanId), '--db', db, '--json'], {
      encoding: 'utf8',
      env: { ...process.env, CLIPSCAN_DICOMWEB_USER: 'clip', CLIPSCAN_DICOMWEB_PASSWORD: 'stow-pw' },
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { sent: { kind: string; sopInstanceUid: string; studyInstanceUid: string }[]; stored: number };
    expect(out.stored).toBe(3);
    expect(new Set(out.sent.map((s) => s.studyInstanceUid))).toEqual(new Set([CT_STUDY]));
    // Each object sent is in the case log's exports, with its URL on the server (no credentials).
    const logged = backend.exportsLog.list(scanId);
    expect(logged.map((e) => e.format).sort()).toEqual(['pmap', 'seg', 'sr']);
    for (const e of logged)
      expect(e.path).toMatch(new RegExp(`^${orthanc.dicomweb}/studies/${CT_STUDY.replace(/\./g, '\\.')}/series/[\\d.]+/instances/[\\d.]+$`));
    expect(new Set(logged.map((e) => e.path.split('/').at(-1)))).toEqual(new Set(out.sent.map((s) => s.sopInstanceUid)));

    expect((await searchStudies(server, { modality: 'SEG' })).map((s) => s.studyInstanceUid)).toEqual([CT_STUDY]);
    expect((await searchStudies(server, { modality: 'SR' })).map((s) => s.studyInstanceUid)).toEqual([CT_STUDY]);
    const res = await fetch(`${orthanc.dicomweb}/studies/${CT_STUDY}/series`, { headers: { ...orthanc.authHeaders, accept: 'application/dicom+json' } });
    const series = (await res.json()) as DicomJsonDataset[];
    expect(series.map((s) => jsonString(s, '00080060')).sort()).toEqual(['CT', 'CT', 'SEG', 'SR']); // the Parametric Map keeps the source modality

    const fresh = createBackend({ mode: 'browser', databasePath: path.join(dir, 'fresh', 'c.db'), allowedRoots: [] });
    try {
      const got = await retrieveStudy(server, CT_STUDY, {
        libraryDir: path.join(dir, 'fresh', 'dicomweb'),
        index: (folder) => fresh.handlers.library.indexFolder({ folder }),
      });
      expect(got).toMatchObject({ instances: 7, retrieved: 7 });
      expect(got.summary.dicomFiles).toBe(7);
      expect(got.summary.errors).toEqual([]);
      const sent = new Set(out.sent.map((s) => s.sopInstanceUid));
      const files = fs
        .readdirSync(got.folder, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.dcm'));
      expect(files.filter((f) => sent.has(path.basename(f, '.dcm')))).toHaveLength(3);
    } finally {
      await fresh.close();
    }
  });

  it('says which objects a server refused', async () => {
    const { objects } = await buildDicomResults(backend.scans, { scanId, kinds: ['sr'], deidentify: false });
    const broken = objects[0]!.bytes.slice(0, 200); // cut inside the data set
    await expect(storeInstances(server, [broken])).rejects.toMatchObject({ code: 'DICOMWEB_STORE_FAILED' });
  });
});
