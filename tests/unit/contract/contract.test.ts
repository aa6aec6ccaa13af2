// The contract end to end in memory: a server from handlers, a client over a
// transport that round-trips through JSON like browser mode does.
import { describe, expect, it } from 'vitest';
import { createContractServer, type CallHandlers } from '../../../src-shared/contract/server';
import { createContractClient, type ContractTransport } from '../../../src-shared/contract/client';
import { ClipScanError, RemoteError } from '../../../src-shared/contract/errors';
import { appCalls, callsByName, contract } from '../../../src-shared/contract/calls';
import { defineCall } from '../../../src-shared/contract/define';

// Only the calls these tests make are implemented; the server never reaches the others.
function handlers(overrides: Partial<CallHandlers['app']> = {}): CallHandlers {
  const app: Partial<CallHandlers['app']> = {
    info: async () => ({
      name: 'ClipScan',
      version: '9.9.9',
      mode: 'browser',
      platform: 'test',
      nodeVersion: process.versions.node,
      databasePath: '/tmp/x.db',
      allowedRoots: [],
      initialFile: null,
    }),
    readFile: async () => new Uint8Array([1, 2, 3]),
    ...overrides,
  };
  return { app } as CallHandlers;
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
    const info = await api.call(appCalls.info, {});
    expect(info.version).toBe('9.9.9');
    expect(await api.call(appCalls.readFile, { path: '/x' })).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('keeps name, message, code and stack of a back-end error', async () => {
    const api = createContractClient(
      jsonTransport(
        handlers({
          readFile: async () => {
            throw new ClipScanError('NOT_DICOM', 'scan.txt is not a DICOM file.');
          },
        }),
      ),
    );
    const err = await api.call(appCalls.readFile, { path: '/scan.txt' }).catch((e: unknown) => e);
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
    const server = createContractServer(handlers({ info: async () => ({ name: 'Other' }) as never }));
    expect(await server.dispatch('app.info', {})).toMatchObject({ ok: false, error: { code: 'BAD_RESULT' } });
  });

  it('validates arguments in the client before sending', async () => {
    const api = createContractClient(jsonTransport(handlers()));
    await expect(api.call(appCalls.readFile, { path: '' })).rejects.toThrow();
  });

  it('sends a call by its wire name and refuses a call object that is not in the contract', async () => {
    const sent: string[] = [];
    const inner = jsonTransport(handlers());
    const api = createContractClient({ ...inner, invoke: (name, args, binary) => (sent.push(name), inner.invoke(name, args, binary)) });
    await api.call(appCalls.info, {});
    expect(sent).toEqual(['app.info']);
    const lookalike = defineCall({ ...appCalls.info, summary: 'not the contract one' });
    await expect(api.call(lookalike, {})).rejects.toThrow(/not a call of the contract/);
    expect(sent).toEqual(['app.info']);
  });

  it('indexes every call of every group by a distinct wire name', () => {
    const all = Object.entries(contract).flatMap(([group, calls]) => Object.entries(calls).map(([key, spec]) => ({ group, key, spec })));
    expect(callsByName.size).toBe(all.length);
    for (const entry of all) expect(callsByName.get(entry.spec.name)).toEqual(entry);
    expect(callsByName.get('scans.start')).toMatchObject({ group: 'scans', key: 'start' });
  });
});
