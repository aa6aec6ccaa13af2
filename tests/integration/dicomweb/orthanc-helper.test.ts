// The test Orthanc itself: starts on free loopback ports with its own storage,
// answers DICOMweb (QIDO-RS) for what was uploaded, refuses requests without
// credentials when users are configured, and leaves nothing behind when stopped.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../../helpers/paths';
import { SKIP_NO_ORTHANC, skipOrthanc, startOrthanc } from '../../helpers/orthanc';

const ct = path.join(FIXTURES, 'dicom', 'ct-chest-lidc-0314');

describe.skipIf(skipOrthanc)(`test Orthanc (${skipOrthanc ? SKIP_NO_ORTHANC : 'installed'})`, () => {
  it('serves uploaded instances over QIDO-RS, asks for credentials, and stops cleanly', async () => {
    const orthanc = await startOrthanc({ users: { clip: 'scan-secret' } });
    try {
      for (const f of fs.readdirSync(ct)) await orthanc.upload(path.join(ct, f));
      const studies = await fetch(`${orthanc.dicomweb}/studies`, { headers: { ...orthanc.authHeaders, accept: 'application/dicom+json' } });
      expect(studies.status).toBe(200);
      const json = (await studies.json()) as Record<string, { Value?: unknown[] }>[];
      expect(json).toHaveLength(1);
      expect(json[0]!['00201208']!.Value).toEqual([4]); // Number of Study Related Instances
      const anonymous = await fetch(`${orthanc.dicomweb}/studies`);
      expect(anonymous.status).toBe(401);
    } finally {
      await orthanc.stop();
    }
    await expect(fetch(`${orthanc.url}/system`)).rejects.toThrow();
  });
});
