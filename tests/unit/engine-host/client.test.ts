// The engine-host client over a fake channel: request ids, progress routing,
// remote errors with their stack, cancel messages, and a dying host.
import { describe, expect, it } from 'vitest';
import { createEngineHostClient as createHostClient } from '../../../src-main/core/engine-client/engine-host-client';
import type {
  RpcChannel as HostChannel,
  RpcReplyMessage as HostReplyMessage,
  RpcRequestMessage as HostRequestMessage,
} from '../../../src-main/core/workers/rpc-protocol';

function fakeChannel() {
  const sent: HostRequestMessage[] = [];
  let reply: (m: HostReplyMessage) => void = () => {};
  let exit: (reason: string) => void = () => {};
  const channel: HostChannel = {
    send: (m) => sent.push(m),
    onMessage: (l) => (reply = l),
    onExit: (l) => (exit = l),
    terminate: async () => {},
  };
  return { channel, sent, reply: (m: HostReplyMessage) => reply(m), exit: (r: string) => exit(r) };
}

describe('engine-host client', () => {
  it('routes progress and the result of each request by id', async () => {
    const fake = fakeChannel();
    const host = createHostClient(fake.channel);
    const progress: unknown[] = [];
    const pending = host.request('ping', {}, { onProgress: (p) => progress.push(p) });
    const id = (fake.sent[0] as { id: number }).id;
    fake.reply({ kind: 'progress', id, data: 'half' as never });
    fake.reply({ kind: 'result', id, value: { pid: 7, node: '22' } });
    await expect(pending).resolves.toEqual({ pid: 7, node: '22' });
    expect(progress).toEqual(['half']);
  });

  it('rebuilds remote errors with name, message, code and stack', async () => {
    const fake = fakeChannel();
    const host = createHostClient(fake.channel);
    const pending = host.request('ping', {});
    fake.reply({
      kind: 'error',
      id: 1,
      error: { name: 'ClipScanError', message: 'broken frame', code: 'CORRUPT_PIXEL_DATA', stack: 'ClipScanError: broken frame\n    at decode (host.js:1:1)' },
    });
    const err = (await pending.catch((e: unknown) => e)) as Error & { code: string };
    expect([err.name, err.message, err.code]).toEqual(['ClipScanError', 'broken frame', 'CORRUPT_PIXEL_DATA']);
    expect(err.stack).toContain('host.js:1:1');
  });

  it('sends cancel when the signal aborts', async () => {
    const fake = fakeChannel();
    const host = createHostClient(fake.channel);
    const controller = new AbortController();
    void host.request('ping', {}, { signal: controller.signal }).catch(() => {});
    controller.abort();
    expect(fake.sent).toContainEqual({ kind: 'cancel', id: 1 });
  });

  it('fails pending requests with a readable error when the host dies, and says it is dead', async () => {
    const fake = fakeChannel();
    const host = createHostClient(fake.channel);
    const pending = host.request('ping', {});
    expect(host.isAlive()).toBe(true);
    fake.exit('exit code 134');
    await expect(pending).rejects.toMatchObject({ code: 'ENGINE_HOST_CRASHED' });
    expect(host.isAlive()).toBe(false);
    await expect(host.request('ping', {})).rejects.toThrow(/not running/);
  });
});
