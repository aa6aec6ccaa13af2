/**
 * Binary calls (those with `binary: true`, e.g. `dicom.readFile`) made as a
 * plain GET: `GET /api/call/<name>?args=<JSON>`. No request body, no JSON or
 * base64 around the result: the bytes come back as `application/octet-stream`
 * and a failure as the usual JSON `CallOutcome`. The same relative URL serves
 * browser mode (src-main/web/server.ts, after its token, Host and Origin checks)
 * and Electron (the `app://` protocol handler in src-main/electron/main.ts),
 * and it runs through the contract's `dispatch`, so the handler's own checks
 * (allowed folders, argument validation) are the ones every call gets.
 *
 *   const url = binaryCallUrl('dicom.readFile', { path });   // renderer
 *   const answer = await answerBinaryGet(contract, url);     // back end
 */
import type { ContractServer } from './server';
import { API_CALL_PREFIX } from './http-protocol';

export const ARGS_QUERY = 'args';

/** The relative URL of a binary call made as a GET. */
export function binaryCallUrl(name: string, args: unknown): string {
  return `${API_CALL_PREFIX}${encodeURIComponent(name)}?${ARGS_QUERY}=${encodeURIComponent(JSON.stringify(args ?? {}))}`;
}

export interface BinaryGetAnswer {
  status: number;
  contentType: 'application/octet-stream' | 'application/json' | 'text/plain';
  body: Uint8Array | string;
}

/**
 * Answers `GET <API_CALL_PREFIX><name>?args=…` (pathname and search of the
 * request). Only binary calls may be made this way: the others change state or
 * return JSON and stay POST (or IPC) only.
 */
export async function answerBinaryGet(contract: ContractServer, pathname: string, search: string): Promise<BinaryGetAnswer> {
  const name = decodeURIComponent(pathname.slice(API_CALL_PREFIX.length));
  if (!pathname.startsWith(API_CALL_PREFIX) || !contract.isBinary(name)) {
    return { status: 405, contentType: 'text/plain', body: `GET is only for binary calls; "${name}" is not one.` };
  }
  let args: unknown;
  try {
    args = JSON.parse(new URLSearchParams(search).get(ARGS_QUERY) ?? '{}');
  } catch {
    return { status: 400, contentType: 'text/plain', body: `The "${ARGS_QUERY}" query of ${name} is not JSON.` };
  }
  const outcome = await contract.dispatch(name, args);
  if (outcome.ok && outcome.value instanceof Uint8Array) return { status: 200, contentType: 'application/octet-stream', body: outcome.value };
  return { status: 200, contentType: 'application/json', body: JSON.stringify(outcome) };
}
