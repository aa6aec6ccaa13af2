// The pure parts of DICOM in and out: server URLs and credentials (never in
// messages), multipart bodies (built, parsed, cut short), DICOM date ranges,
// decimal strings within 16 characters, SEG bit packing, zip entry names.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMultipart, parseMultipart } from '../../../src-main/core/dicomweb/multipart';
import { parseDateRange } from '../../../src-main/core/dicomweb/qido';
import { checkUid } from '../../../src-main/core/dicomweb/retrieve';
import { authHeaders, describeServer, parseServer, redactUrl } from '../../../src-main/core/dicomweb/server';
import { ds } from '../../../src-main/core/dicom/dataset-io';
import { packBits } from '../../../src-main/core/dicom-out/seg';
import { safeEntryPath } from '../../../src-main/core/dicom/media/zip-archive';

describe('DICOMweb server', () => {
  it('takes credentials out of the URL and never shows them', () => {
    const s = parseServer('http://alice:s3cr%40t@pacs.local:8042/dicom-web/?x=1');
    expect(s.baseUrl).toBe('http://pacs.local:8042/dicom-web');
    expect(s.auth).toEqual({ kind: 'basic', username: 'alice', password: 's3cr@t' });
    expect(describeServer(s)).toBe('http://pacs.local:8042/dicom-web (basic auth as alice)');
    expect(authHeaders(s).authorization).toBe(`Basic ${Buffer.from('alice:s3cr@t').toString('base64')}`);
    const bearer = parseServer('https://pacs/dicom-web', { kind: 'bearer', token: 'Zq9-secret' });
    expect(authHeaders(bearer)).toEqual({ authorization: 'Bearer Zq9-secret' });
    expect(describeServer(bearer)).not.toContain('Zq9');
    expect(() => parseServer('ftp://x:pw@host/')).toThrow(/http or https/);
    expect(() => parseServer('not a url :pw@')).toThrow(/is not a URL/);
    expect(redactUrl('http://u:pw@h/x')).toBe('http://***@h/x');
  });

  it('accepts only digit-and-dot UIDs as file names', () => {
    expect(checkUid('1.2.840.10008', 'Study')).toBe('1.2.840.10008');
    for (const bad of ['../../etc', '1..2', '1.2.', 'a.b', '1'.repeat(65)]) expect(() => checkUid(bad, 'Study')).toThrow(/not a valid Study UID/);
  });

  it('reads DICOM date ranges', () => {
    expect(parseDateRange('2020-01-01-2020-12-31')).toBe('20200101-20201231');
    expect(parseDateRange('20200101-')).toBe('20200101-');
    expect(parseDateRange('-20200101')).toBe('-20200101');
    for (const bad of ['2020', '20201340', '-', '20200101-20200102-20200103']) expect(() => parseDateRange(bad)).toThrow(/not a study date or range/);
  });
});

describe('multipart/related', () => {
  it('parses what it builds, quoted boundaries included, and refuses a body cut short', () => {
    const a = new Uint8Array([1, 2, 13, 10, 45, 45]);
    const b = new Uint8Array(1000).fill(7);
    const { body, contentType } = buildMultipart([a, b]);
    const parts = parseMultipart(body, contentType);
    expect(parts.map((p) => [...p.body])).toEqual([[...a], [...b]]);
    expect(parts[0]!.headers['content-type']).toBe('application/dicom');
    const quoted = contentType.replace(/boundary=(\S+)$/, 'boundary="$1"');
    expect(parseMultipart(body, quoted)).toHaveLength(2);
    expect(() => parseMultipart(body.subarray(0, body.length - 600), contentType)).toThrow(/cut short/);
    expect(() => parseMultipart(body, 'application/dicom')).toThrow(/Expected a multipart answer/);
  });
});

describe('DICOM values', () => {
  it('writes decimal strings of at most 16 characters', () => {
    for (const x of [0, 1, -1, 0.1 + 0.2, Math.PI * 1e-9, -123456789.123456789, 1e30, 2 / 3]) {
      expect(ds(x).length).toBeLessThanOrEqual(16);
      expect(Number(ds(x))).toBeCloseTo(x, Math.abs(x) > 1 ? -Math.log10(Math.abs(x)) + 8 : 8);
    }
  });

  it('packs SEG masks least significant bit first, frames back to back, to an even length', () => {
    const bytes = packBits([Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 1]), Uint8Array.from([0, 1])]);
    expect([...bytes]).toEqual([0b00000001, 0b00000101]);
    expect(packBits([new Uint8Array(9)]).length).toBe(2);
  });
});

describe('zip entry names', () => {
  it('keeps names inside the archive folder and refuses the rest', () => {
    expect(safeEntryPath('a.zip', 'study/./ct/IM1')).toBe(['study', 'ct', 'IM1'].join(path.sep));
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'C:\\x', 'a\\..\\..\\x', 'x\0y']) expect(() => safeEntryPath('a.zip', bad)).toThrow(/zip-slip/);
  });
});
