/**
 * Browser mode's transport: calls as `fetch` POSTs (binary calls, such as file
 * bytes, as GETs that bring back the raw bytes), events from an EventSource,
 * the per-launch token from the page address (kept in sessionStorage so a
 * reload keeps working). Wire format: src-shared/contract/http-protocol.ts.
 */
import type { ContractTransport } from '../../src-shared/contract/client';
import { events } from '../../src-shared/contract/events';
import { API_CALL_PREFIX, API_EVENTS_PATH, TOKEN_HEADER, TOKEN_QUERY } from '../../src-shared/contract/http-protocol';
import { binaryCallUrl } from '../../src-shared/contract/binary-get';
import { outcomeOf } from './binary-fetch';

const TOKEN_STORAGE_KEY = 'clipscan.token';

export function readLaunchToken(location: Location = window.location): string {
  const fromUrl = new URLSearchParams(location.search).get(TOKEN_QUERY);
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_STORAGE_KEY) ?? '';
}

export function createHttpTransport(token: string): ContractTransport {
  return {
    async invoke(name, args, binary) {
      const response = binary
        ? await fetch(binaryCallUrl(name, args), { headers: { [TOKEN_HEADER]: token } })
        : await fetch(API_CALL_PREFIX + encodeURIComponent(name), {
            method: 'POST',
            headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
            body: JSON.stringify(args ?? {}),
          });
      if (response.status === 401) {
        return { ok: false, error: { name: 'AuthError', message: 'This page has no valid ClipScan token. Open the address that "clipscan serve" printed.' } };
      }
      return outcomeOf(response);
    },
    subscribe(listener) {
      const source = new EventSource(`${API_EVENTS_PATH}?${TOKEN_QUERY}=${encodeURIComponent(token)}`);
      const onAny = (event: MessageEvent<string>) => listener(event.type, JSON.parse(event.data));
      // EventSource needs one listener per event name; the names come from the contract.
      for (const name of Object.keys(events)) source.addEventListener(name, onAny as EventListener);
      return () => source.close();
    },
  };
}
