// DICOM objects without images count as DICOM files (issue 14): a folder that
// holds a Comprehensive SR, a grey-scale presentation state and an RT
// structure set (written here with dcmjs), and media with a DICOMDIR (made by
// DCMTK's dcmmkdir from a CT slice), indexed as a folder: no errors, every file
// counted as DICOM, each object listed as a non-image series, the DICOMDIR by name.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src-main/core/services';
import { newUid, writeDataset } from '../../../src-main/core/dicom/dataset-io';
import type { IndexSummary } from '../../../src-shared/domain/library';
import { FIXTURES } from '../../helpers/paths';

const CT = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
const hasDcmtk = spawnSync('dcmmkdir', ['--version'], { stdio: 'ignore' }).status === 0;
const OBJECTS = [
  { file: 'report.dcm', sopClassUid: '1.2.840.10008.5.1.4.1.1.88.33', modality: 'SR' },
  { file: 'state.dcm', sopClassUid: '1.2.840.10008.5.1.4.1.1.11.1', modality: 'PR' },
  { file: 'structures.dcm', sopClassUid: '1.2.840.10008.5.1.4.1.1.481.3', modality: 'RTSTRUCT' },
];

function run(cmd: string, args: string[], cwd?: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

describe('non-image DICOM objects', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-non-image-'));
  const folder = path.join(dir, 'folder');
  let backend: Backend;
  let summary: IndexSummary;
  const series = () => summary.studies.flatMap((s) => s.series);

  beforeAll(async () => {
    fs.mkdirSync(folder);
    const studyInstanceUid = newUid();
    for (const o of OBJECTS) {
      const dataset = {
        SOPClassUID: o.sopClassUid,
        SOPInstanceUID: newUid(),
        StudyInstanceUID: studyInstanceUid,
        SeriesInstanceUID: newUid(),
        Modality: o.modality,
        PatientName: 'Objects^Without^Images',
        PatientID: 'NI1',
      };
      fs.writeFileSync(path.join(folder, o.file), writeDataset(dataset));
    }
    if (hasDcmtk) {
      const media = path.join(folder, 'media');
      fs.mkdirSync(path.join(media, 'IMAGES'), { recursive: true });
      run('dcmconv', ['+te', path.join(CT, fs.readdirSync(CT)[0]!), path.join(media, 'IMAGES', 'IM1')]);
      run('dcmmkdir', ['+I', '+r', 'IMAGES'], media);
    }
    backend = createBackend({ mode: 'browser', databasePath: path.join(dir, 'c.db'), allowedRoots: [] });
    summary = await backend.handlers.library.indexFolder({ folder });
  });
  afterAll(async () => {
    await backend?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('counts SR, presentation state and RT objects as DICOM and lists them as non-image series', () => {
    expect(summary.errors).toEqual([]);
    expect(summary.dicomFiles).toBe(summary.files);
    for (const o of OBJECTS) {
      const listed = series().find((s) => s.modality === o.modality);
      expect(listed, o.modality).toMatchObject({ instances: 1, rows: null });
      expect(listed!.notes).toContain(`non-image objects (${o.modality}): listed, not scanned`);
    }
  });

  it.skipIf(!hasDcmtk)('lists a DICOMDIR met in a folder as a non-image object, not an error (needs DCMTK)', () => {
    expect(summary.files).toBe(OBJECTS.length + 2);
    const listed = series().filter((s) => s.notes.includes('non-image objects (DICOMDIR): listed, not scanned'));
    expect(listed).toHaveLength(1);
    expect(series().filter((s) => s.modality === 'CT')).toHaveLength(1);
  });
});
