// The DICOMweb handlers' server state: restored from what the desktop app
// saved, handed to its store on change, never answered with the secret.
import { describe, expect, it } from 'vitest';
import { createDicomwebHandlers } from '../../../src-main/core/dicomweb/dicomweb-handlers';
import { parseServer, type DicomwebServer } from '../../../src-main/core/dicomweb/server';
import type { ScanService } from '../../../src-main/core/scan/scan-service';
import type { ExportRepository } from '../../../src-main/core/caselog/repositories/exports';

describe('DICOMweb handlers', () => {
  it('starts from the saved server and reports each new one to the store, without secrets in answers', async () => {
    const saved: DicomwebServer[] = [];
    const handlers = createDicomwebHandlers({
      scans: {} as ScanService,
      exportsLog: {} as ExportRepository,
      libraryDir: '/nowhere',
      index: async () => {
        throw new Error('not used');
      },
      initialServer: parseServer('http://pacs.example:8042/dicom-web', { kind: 'bearer', token: 'tok-123' }),
      onServerChanged: (s) => saved.push(s),
    });
    expect(await handlers.server({})).toEqual({ configured: true, server: 'http://pacs.example:8042/dicom-web (bearer token)', auth: 'bearer' });
    const state = await handlers.setServer({ url: 'https://other.example/wado', auth: { kind: 'basic', username: 'ann', password: 'pw-456' } });
    expect(JSON.stringify(state)).not.toContain('pw-456');
    expect(saved).toHaveLength(1);
    expect(saved[0]!.auth).toEqual({ kind: 'basic', username: 'ann', password: 'pw-456' });
    await expect(handlers.setServer({ url: 'not a url' })).rejects.toThrow();
    expect(saved).toHaveLength(1);
  });
});
