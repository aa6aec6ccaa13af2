/**
 * Browser mode's wire format, shared by the server (src-main/web) and the
 * renderer's HTTP transport, so the two cannot drift apart.
 *
 * - `POST /api/call/<name>` with a JSON body of arguments. A JSON `CallOutcome`
 *   comes back, or the raw bytes (`application/octet-stream`) of a binary result.
 * - Binary calls may also be a `GET /api/call/<name>?args=<JSON>` (binary-get.ts),
 *   which the renderer uses for file bytes: no request body to send and parse.
 * - `GET /api/events` is a Server-Sent Events stream: each message's `event` is
 *   the event name and its `data` the JSON payload.
 * - Every API request carries the per-launch token in the `x-clipscan-token`
 *   header (or `?token=` for EventSource, which cannot set headers).
 */
export const API_CALL_PREFIX = '/api/call/';
export const API_EVENTS_PATH = '/api/events';
export const TOKEN_HEADER = 'x-clipscan-token';
export const TOKEN_QUERY = 'token';
