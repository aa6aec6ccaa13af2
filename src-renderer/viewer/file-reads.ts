/**
 * Reads local DICOM files for the viewer's loader off the page's main thread:
 * one worker (viewer/file-read-worker.ts) fetches each file's binary GET and
 * checks its header, so the main thread neither runs the request nor parses
 * the header twice; it receives each file's bytes as a transferred
 * ArrayBuffer. A failed read rejects with the back end's error (name, message
 * and stack kept).
 *
 *   const { bytes, nodeDecoderReason } = await readFileOffThread('/data/mr/1.dcm');
 */
import { binaryGetRequest } from '../bridge/api';
import { appCalls } from '../../src-shared/contract/calls';
import { fromWireError, type WireError } from '../../src-shared/contract/errors';

export interface FileReadRequest {
  id: number;
  url: string;
  headers: Record<string, string>;
}

export type FileReadReply = { id: number; ok: true; bytes: ArrayBuffer; nodeDecoderReason: string | null } | { id: number; ok: false; error: WireError };

export interface FileRead {
  bytes: ArrayBuffer;
  /** Why Cornerstone's decoder cannot draw the file (viewer/decodable.ts); null when it can. */
  nodeDecoderReason: string | null;
}

let worker: Worker | null = null;
let nextId = 0;
const pending = new Map<number, { resolve: (read: FileRead) => void; reject: (err: Error) => void }>();

function failAll(err: Error): void {
  for (const waiting of pending.values()) waiting.reject(err);
  pending.clear();
  worker = null; // the next read starts a fresh worker
}

function started(): Worker {
  if (worker) return worker;
  const next = new Worker(new URL('./file-read-worker.ts', import.meta.url), { type: 'module', name: 'clipscan-file-reads' });
  next.onmessage = (e: MessageEvent<FileReadReply>) => {
    const reply = e.data;
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if (!waiting) return;
    if (reply.ok) waiting.resolve({ bytes: reply.bytes, nodeDecoderReason: reply.nodeDecoderReason });
    else waiting.reject(fromWireError(reply.error));
  };
  next.onerror = (e) => {
    e.preventDefault();
    failAll(new Error(`The viewer's file-reading worker failed: ${e.message || 'it could not start'}.`));
  };
  worker = next;
  return next;
}

export function readFileOffThread(path: string): Promise<FileRead> {
  const id = nextId++;
  const request: FileReadRequest = { id, ...binaryGetRequest(appCalls.readFile.name, { path }) };
  return new Promise<FileRead>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    started().postMessage(request);
  });
}
