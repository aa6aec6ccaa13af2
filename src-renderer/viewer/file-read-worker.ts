/**
 * Worker (off the page's main thread): reads one DICOM file's bytes through
 * the contract's binary GET and checks from its header whether Cornerstone's
 * decoder can draw it (viewer/decodable.ts). The bytes go back transferred,
 * not copied, so the main thread only receives them; a failed read goes back
 * as the call's wire error. Driven by viewer/file-reads.ts.
 *
 *   in:  { id, url, headers }
 *   out: { id, ok: true, bytes, nodeDecoderReason } | { id, ok: false, error }
 */
import { outcomeOf } from '../bridge/binary-fetch';
import { toWireError } from '../../src-shared/contract/errors';
import { nodeDecoderReason } from './decodable';
import type { FileReadReply, FileReadRequest } from './file-reads';

const scope = self as unknown as { onmessage: ((e: MessageEvent<FileReadRequest>) => void) | null; postMessage(m: FileReadReply, transfer?: Transferable[]): void };

async function read({ id, url, headers }: FileReadRequest): Promise<void> {
  try {
    const outcome = await outcomeOf(await fetch(url, { headers }));
    if (!outcome.ok) return scope.postMessage({ id, ok: false, error: outcome.error });
    if (!(outcome.value instanceof Uint8Array)) throw new Error(`The back end did not answer ${url} with bytes.`);
    const bytes = outcome.value;
    const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer;
    scope.postMessage({ id, ok: true, bytes: buffer, nodeDecoderReason: nodeDecoderReason(bytes) }, [buffer]);
  } catch (err) {
    scope.postMessage({ id, ok: false, error: toWireError(err) });
  }
}

scope.onmessage = (e) => void read(e.data);
