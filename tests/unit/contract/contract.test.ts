// The contract end to end in memory: a server from handlers, a client over a
// transport that round-trips through JSON like browser mode does.
import { describe, expect, it } from 'vitest';
import { createContractServer, type CallHandlers } from '../../../src-shared/contract/server';
import { createContractClient, type ContractTransport } from '../../../src-shared/contract/client';
import { ClipScanError, RemoteError } from '../../../src-shared/contract/errors';

// Only the calls these tests make are implemented; the server never reaches the others.
function handlers(overrides: Partial<CallHandlers> = {}): CallHandlers {
  return ({
    'app.info': async () => ({
      name: 'ClipScan',
      version: '9.9.9',
      mode: 'browser',
      platform: 'test',
      nodeVersion: process.versions.node,
      databasePath: '/tmp/x.db',
      allowedRoots: [],
      initialFile: null,
    }),
    'dicom.readFile': async () => new Uint8Array([1, 2, 3]),
    ...overrides,
  }) as CallHandlers;
}

function jsonTransport(h: CallHandlers): ContractTransport {
  const server = createContractServer(h);
  return {
    async invoke(name, args) {
      const outcome = await server.dispatch(name, JSON.parse(JSON.stringify(args)));
      if (outcome.ok && outcome.value instanceof Uint8Array) return outcome;
      return JSON.parse(JSON.stringify(outcome));
    },
    subscribe: () => () => {},
  };
}

describe('contract', () => {
  it('round-trips a call with a validated result', async () => {
    const api = createContractClient(jsonTransport(handlers()));
    const info = await api.call('app.info', {});
    expect(info.version).toBe('9.9.9');
    expect(await api.call('dicom.readFile', { path: '/x' })).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('keeps name, message, code and stack of a back-end error', async () => {
    const api = createContractClient(
      jsonTransport(
        handlers({
          'dicom.readFile': async () => {
            throw new ClipScanError('NOT_DICOM', 'scan.txt is not a DICOM file.');
          },
        }),
      ),
    );
    const err = await api.call('dicom.readFile', { path: '/scan.txt' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    const remote = err as RemoteError;
    expect(remote.name).toBe('ClipScanError');
    expect(remote.message).toBe('scan.txt is not a DICOM file.');
    expect(remote.code).toBe('NOT_DICOM');
    expect(remote.stack).toContain('contract.test.ts');
  });

  it('refuses unknown calls and bad arguments on the server', async () => {
    const server = createContractServer(handlers());
    const unknown = await server.dispatch('files.deleteEverything', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
    const bad = await server.dispatch('dicom.readFile', { path: 42 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
  });

  it('refuses an invalid result instead of passing it to the UI', async () => {
    const server = createContractServer(handlers({ 'app.info': async () => ({ name: 'Other' }) as never }));
    expect(await server.dispatch('app.info', {})).toMatchObject({ ok: false, error: { code: 'BAD_RESULT' } });
  });

  it('validates arguments in the client before sending', async () => {
    const api = createContractClient(jsonTransport(handlers()));
    await expect(api.call('dicom.readFile', { path: '' })).rejects.toThrow();
  });
});
