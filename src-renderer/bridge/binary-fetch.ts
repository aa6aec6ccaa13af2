/**
 * Reads a call's HTTP answer (browser mode's server, or the `app://` protocol
 * in Electron) into a `CallOutcome`: raw bytes for a binary result, the JSON
 * outcome otherwise, and a readable error for any other status.
 *
 *   const outcome = await outcomeOf(await fetch(binaryCallUrl(name, args)));
 */
import type { CallOutcome } from '../../src-shared/contract/errors';

export async function outcomeOf(response: Response): Promise<CallOutcome<unknown>> {
  if (!response.ok) {
    return { ok: false, error: { name: 'HttpError', message: `The back end answered ${response.status}: ${await response.text()}` } };
  }
  if (response.headers.get('content-type')?.startsWith('application/octet-stream')) {
    return { ok: true, value: new Uint8Array(await response.arrayBuffer()) };
  }
  return (await response.json()) as CallOutcome<unknown>;
}
