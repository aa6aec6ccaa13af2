// `index` with a DICOMDIR or a .zip in place of a folder. The DICOMDIR is made
// by DCMTK's dcmmkdir from the chest CT fixture (converted to explicit VR, as
// media profiles require; files without extensions, in upper case); the
// zips by Python's zipfile, including hostile ones: zip-slip names, a
// symbolic link, a bomb by ratio and one that lies about its size.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../src-main/core/services';
import { FIXTURES, PROJECT_ROOT } from '../../helpers/paths';
import { PYTHON } from '../dicom-out/dicom-tools';

const CT = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');
const MR = path.join(FIXTURES, 'dicom', 'transfer-syntaxes-mr', '1.dcm');
const CLI = path.join(PROJECT_ROOT, 'dist', 'main', 'cli.js');
const hasDcmtk = spawnSync('dcmmkdir', ['--version'], { stdio: 'ignore' }).status === 0;
const skipDcmtk = !hasDcmtk && process.env.CLIPSCAN_SKIP_MISSING === '1';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-media-'));
const backends: Backend[] = [];

function backendIn(name: string): Backend {
  const b = createBackend({ mode: 'browser', databasePath: path.join(dir, name, 'c.db'), allowedRoots: [] });
  backends.push(b);
  return b;
}

function run(cmd: string, args: string[], cwd?: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

/** Makes a zip with Python's zipfile: entries [name, source file or null for a symlink, bytes of zeros?]. */
function makeZip(file: string, script: string) {
  run(PYTHON, ['-c', `import zipfile, sys\nz = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\n${script}\nz.close()`, file]);
}

afterAll(async () => {
  for (const b of backends) await b.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skipDcmtk)('index a DICOMDIR', () => {
  const media = path.join(dir, 'media');
  beforeAll(() => {
    if (!hasDcmtk) throw new Error('needs DCMTK: sudo apt-get install dcmtk (or CLIPSCAN_SKIP_MISSING=1)');
    fs.mkdirSync(path.join(media, 'IMAGES'), { recursive: true });
    fs.readdirSync(CT).forEach((f, i) => run('dcmconv', ['+te', path.join(CT, f), path.join(media, 'IMAGES', `IM${i + 1}`)]));
    run('dcmmkdir', ['+I', '+r', 'IMAGES'], media);
    fs.mkdirSync(path.join(media, 'OTHER'));
    fs.copyFileSync(MR, path.join(media, 'OTHER', 'NOTREF')); // on the media but not in the DICOMDIR
    fs.renameSync(path.join(media, 'IMAGES'), path.join(media, 'images')); // copied from a CD by a system that lower-cased names
    fs.rmSync(path.join(media, 'images', 'IM4'));
  });

  it('indexes the referenced files (no extensions, any case) and reports the missing one', async () => {
    const backend = backendIn('dicomdir');
    const summary = await backend.handlers.library.indexFolder({ folder: path.join(media, 'DICOMDIR') });
    expect(summary.dicomFiles).toBe(3);
    // OTHER/NOTREF (an MR) is on the media but not referenced: not indexed.
    expect(summary.studies.flatMap((s) => s.series.map((x) => x.modality))).toEqual(['CT']);
    expect((await backend.handlers.library.studies({})).map((s) => s.patientId)).toEqual(['LIDC-IDRI-0314']);
    expect(summary.errors).toHaveLength(1);
    expect(summary.errors[0]).toMatchObject({
      path: path.join(fs.realpathSync(media), 'IMAGES', 'IM4'),
      reason: 'referenced by the DICOMDIR but missing from the media',
    });
    // The viewer may read the referenced files.
    const file = path.join(fs.realpathSync(media), 'images', 'IM1');
    expect((await backend.handlers.app.readFile({ path: file })).byteLength).toBe(fs.statSync(file).size);
  });

  it('works from the CLI', () => {
    const r = spawnSync(process.execPath, [CLI, 'index', path.join(media, 'DICOMDIR'), '--db', path.join(dir, 'cli.db'), '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dicomFiles: 3, errors: [{ reason: expect.stringMatching(/missing/) }] });
  });

  it('refuses a DICOMDIR whose references leave its folder', async () => {
    const evil = path.join(dir, 'evil-media');
    fs.cpSync(media, evil, { recursive: true });
    run('dcmodify', ['-nb', '-m', '(0004,1220)[3].(0004,1500)=..\\..\\etc\\passwd', path.join(evil, 'DICOMDIR')]);
    await expect(backendIn('evil').handlers.library.indexFolder({ folder: path.join(evil, 'DICOMDIR') })).rejects.toMatchObject({
      code: 'DICOMDIR_BAD_REFERENCE',
      message: expect.stringMatching(/not a plain path inside its folder/),
    });
  });
});

describe('index a .zip of DICOM', () => {
  const zips = path.join(dir, 'zips');
  beforeAll(() => fs.mkdirSync(zips, { recursive: true }));

  it('extracts it under the data folder once and indexes it like a folder', async () => {
    const zip = path.join(zips, 'ct.zip');
    makeZip(
      zip,
      fs
        .readdirSync(CT)
        .map((f) => `z.write(${JSON.stringify(path.join(CT, f))}, 'study/ct/${f.replace('.dcm', '')}')`)
        .join('\n'),
    );
    const backend = backendIn('zip');
    const summary = await backend.handlers.library.indexFolder({ folder: zip });
    expect(summary).toMatchObject({ dicomFiles: 4, errors: [] });
    const archives = path.join(dir, 'zip', 'archives');
    const [extracted] = fs.readdirSync(archives);
    expect(extracted).toMatch(/^ct\.zip-[0-9a-f]{12}$/);
    const files = fs.readdirSync(path.join(archives, extracted!), { recursive: true }).map(String).sort();
    expect(files).toEqual([
      'study',
      'study/ct',
      ...fs
        .readdirSync(CT)
        .map((f) => `study/ct/${f.replace('.dcm', '')}`)
        .sort(),
    ]);
    const again = await backend.handlers.library.indexFolder({ folder: zip });
    expect(again.dicomFiles).toBe(4);
    expect(fs.readdirSync(archives)).toEqual([extracted]);
    const r = spawnSync(process.execPath, [CLI, 'index', zip, '--db', path.join(dir, 'zip-cli', 'c.db'), '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dicomFiles: 4 });
  });

  const hostile: [string, string, RegExp][] = [
    [
      'slip.zip',
      `z.write(${JSON.stringify(MR)}, 'ok.dcm')\nz.writestr('../../escaped.dcm', b'x')`,
      /"..\/..\/escaped.dcm" points outside the archive's folder \(zip-slip\)/,
    ],
    ['absolute.zip', `z.writestr('/tmp/abs.dcm', b'x')`, /points outside the archive's folder/],
    ['backslash.zip', `z.writestr('a\\\\..\\\\..\\\\win.dcm', b'x')`, /points outside the archive's folder/],
    ['link.zip', `i = zipfile.ZipInfo('link.dcm'); i.external_attr = 0o120777 << 16\nz.writestr(i, '/etc/passwd')`, /is a symbolic link/],
    ['bomb.zip', `z.writestr('zeros.dcm', bytes(50 * 1024 * 1024))`, /expands \d+ times \(zip bomb\?\)/],
  ];
  for (const [name, script, message] of hostile) {
    it(`refuses ${name} and writes nothing`, async () => {
      const zip = path.join(zips, name);
      makeZip(zip, script);
      const backend = backendIn(name);
      await expect(backend.handlers.library.indexFolder({ folder: zip })).rejects.toMatchObject({
        code: 'ZIP_REFUSED',
        message: expect.stringMatching(message),
      });
      const archives = path.join(dir, name, 'archives');
      expect(fs.existsSync(archives) ? fs.readdirSync(archives) : []).toEqual([]);
      expect(fs.existsSync(path.join(dir, 'escaped.dcm')) || fs.existsSync(path.join(dir, name, 'escaped.dcm'))).toBe(false);
    });
  }

  it('refuses an entry that holds more than it declares', async () => {
    const zip = path.join(zips, 'liar.zip');
    makeZip(zip, `z.writestr('a.dcm', bytes(200000))`);
    // Shrink the declared size in the local header and the central directory to 1000 bytes.
    const bytes = fs.readFileSync(zip);
    for (const [sig, at] of [
      [0x04034b50, 22],
      [0x02014b50, 24],
    ] as const) {
      const i = bytes.indexOf(Buffer.from(new Uint32Array([sig]).buffer));
      bytes.writeUInt32LE(1000, i + at);
    }
    fs.writeFileSync(zip, bytes);
    await expect(backendIn('liar').handlers.library.indexFolder({ folder: zip })).rejects.toMatchObject({
      code: 'ZIP_REFUSED',
      message: expect.stringMatching(/holds more data than it declares/),
    });
  });
});
