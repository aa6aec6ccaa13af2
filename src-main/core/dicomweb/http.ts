/**
 * One HTTP request to a DICOMweb server, with the server's credentials and
 * errors a user can act on: unreachable (connection refused, DNS, timeout),
 * 401/403 (credentials missing or refused), other HTTP statuses with the
 * start of the server's answer, and a connection dropped while the body was
 * being read. Cancelling (AbortSignal) throws `DICOMWEB_CANCELLED`.
 */
import { ClipScanError } from '../../../src-shared/contract/errors';
import { authHeaders, describeServer, type DicomwebServer } from './server';

export interface RequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: Uint8Array<ArrayBuffer>;
  signal?: AbortSignal;
}

function causeCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message;
}

function cancelled(server: DicomwebServer): ClipScanError {
  return new ClipScanError('DICOMWEB_CANCELLED', `The request to ${describeServer(server)} was cancelled.`);
}

/** Fetches `url` (absolute, or relative to the service root) and checks the status; the body is left unread. */
export async function dicomwebRequest(server: DicomwebServer, url: string, options: RequestOptions = {}): Promise<Response> {
  const full = /^https?:/.test(url) ? url : `${server.baseUrl}/${url.replace(/^\/+/, '')}`;
  let res: Response;
  try {
    res = await fetch(full, {
      method: options.method ?? 'GET',
      headers: { ...options.headers, ...authHeaders(server) },
      body: options.body,
      signal: options.signal,
    });
  } catch (err) {
    if (options.signal?.aborted) throw cancelled(server);
    const code = causeCode(err) ?? (err instanceof Error ? err.message : String(err));
    throw new ClipScanError('DICOMWEB_UNREACHABLE', `The DICOMweb server ${describeServer(server)} cannot be reached (${code}). Check the URL and that the server is running.`, { cause: err });
  }
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel().catch(() => undefined);
    const what = server.auth ? 'refused the credentials given' : 'asks for credentials (none were given: set CLIPSCAN_DICOMWEB_USER and CLIPSCAN_DICOMWEB_PASSWORD, or CLIPSCAN_DICOMWEB_TOKEN)';
    throw new ClipScanError('DICOMWEB_UNAUTHORIZED', `The DICOMweb server ${describeServer(server)} ${what} (HTTP ${res.status}).`);
  }
  if (!res.ok) {
    const text = (await res.text().catch(() => '')).slice(0, 300).trim();
    throw new ClipScanError('DICOMWEB_HTTP_ERROR', `The DICOMweb server ${describeServer(server)} answered HTTP ${res.status} ${res.statusText} to ${options.method ?? 'GET'} ${full.slice(server.baseUrl.length) || '/'}${text ? `: ${text}` : ''}`);
  }
  return res;
}

/** Reads the whole body; a connection dropped half-way becomes `DICOMWEB_CONNECTION_LOST`. */
export async function readBody(server: DicomwebServer, res: Response, signal?: AbortSignal): Promise<Buffer> {
  try {
    return Buffer.from(await res.arrayBuffer());
  } catch (err) {
    if (signal?.aborted) throw cancelled(server);
    throw new ClipScanError('DICOMWEB_CONNECTION_LOST', `The connection to ${describeServer(server)} was lost while receiving data (${causeCode(err) ?? String(err)}).`, { cause: err });
  }
}

export async function readJson<T>(server: DicomwebServer, res: Response, signal?: AbortSignal): Promise<T> {
  const body = await readBody(server, res, signal);
  if (body.length === 0) return [] as T; // QIDO-RS answers 204 No Content when nothing matches
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch (err) {
    throw new ClipScanError('DICOMWEB_BAD_ANSWER', `The DICOMweb server ${describeServer(server)} sent something that is not JSON (${body.subarray(0, 80).toString('utf8')}).`, { cause: err });
  }
}
