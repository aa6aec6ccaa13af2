/**
 * A DICOMweb server as ClipScan talks to it: the base URL (the service root,
 * e.g. http://pacs:8042/dicom-web) and optional basic or bearer credentials.
 * Credentials live only in the Authorization header of requests: `describe()`
 * and every error message name the server without them, so they are never
 * logged. User info in the URL (`http://user:pass@host/...`) is taken out of
 * the URL and used as basic credentials.
 *
 *   const server = parseServer('http://127.0.0.1:8042/dicom-web', { kind: 'bearer', token });
 *   fetch(`${server.baseUrl}/studies`, { headers: authHeaders(server) });
 */
import { ClipScanError } from '../../../src-shared/contract/errors';

export type DicomwebAuth = { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string };

export interface DicomwebServer {
  /** The service root without credentials and without a trailing slash. */
  readonly baseUrl: string;
  readonly auth: DicomwebAuth | null;
}

export function parseServer(url: string, auth: DicomwebAuth | null = null): DicomwebServer {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ClipScanError('DICOMWEB_BAD_URL', `"${redactUrl(url)}" is not a URL: give the DICOMweb service root, e.g. http://127.0.0.1:8042/dicom-web.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ClipScanError('DICOMWEB_BAD_URL', `A DICOMweb server is reached over http or https, not ${parsed.protocol} (${redactUrl(url)}).`);
  }
  let fromUrl: DicomwebAuth | null = null;
  if (parsed.username || parsed.password) {
    fromUrl = { kind: 'basic', username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
    parsed.username = '';
    parsed.password = '';
  }
  parsed.search = '';
  parsed.hash = '';
  return { baseUrl: parsed.toString().replace(/\/+$/, ''), auth: auth ?? fromUrl };
}

/** The Authorization header for the server's credentials (none without). */
export function authHeaders(server: DicomwebServer): Record<string, string> {
  const a = server.auth;
  if (!a) return {};
  if (a.kind === 'bearer') return { authorization: `Bearer ${a.token}` };
  return { authorization: `Basic ${Buffer.from(`${a.username}:${a.password}`, 'utf8').toString('base64')}` };
}

/** The server in words for messages and logs: URL and the kind of credentials, never their value. */
export function describeServer(server: DicomwebServer): string {
  const a = server.auth;
  return a ? `${server.baseUrl} (${a.kind === 'basic' ? `basic auth as ${a.username}` : 'bearer token'})` : server.baseUrl;
}

/** A URL with any user info replaced by `***` (for messages about text the user typed). */
export function redactUrl(text: string): string {
  return text.replace(/\/\/[^/@\s]*@/, '//***@');
}

/** A folder name for the server's retrieved files: host and port, safe on every file system. */
export function serverFolderName(server: DicomwebServer): string {
  const u = new URL(server.baseUrl);
  return `${u.hostname}${u.port ? `_${u.port}` : ''}`.replace(/[^0-9A-Za-z._-]/g, '_');
}
