/**
 * Errors that cross a process or network boundary.
 *
 * Structured clone (Electron IPC) and JSON (browser mode) both drop an Error's
 * prototype and stack, so every transport sends a `WireError` and the receiving
 * side rebuilds an Error with the same name, message and stack.
 *
 *   const wire = toWireError(err);      // sender
 *   throw fromWireError(wire);          // receiver
 *
 * No zod here: the header workers and `clipscan index` load this module, and zod costs them
 * about 0.15 s of start-up.
 */

/** An error as it travels: plain data that JSON and structured clone both keep. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  /** A stable machine-readable code, e.g. `NOT_DICOM`, `CHECKSUM_MISMATCH`. */
  code?: string;
}

/** An error whose message is written for the user and carries a stable code. */
export class ClipScanError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClipScanError';
    this.code = code;
  }
}

/** An error that arrived from another process; `stack` is the remote stack. */
export class RemoteError extends Error {
  readonly code: string | undefined;
  constructor(wire: WireError) {
    super(wire.message);
    this.name = wire.name;
    this.code = wire.code;
    if (wire.stack) this.stack = wire.stack;
  }
}

export function toWireError(err: unknown): WireError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      name: err.name,
      message: err.message,
      stack: err.stack,
      code: typeof code === 'string' ? code : undefined,
    };
  }
  return { name: 'Error', message: String(err) };
}

export function fromWireError(wire: WireError): RemoteError {
  return new RemoteError(wire);
}

/** The envelope every transport uses for a call's outcome. */
export type CallOutcome<T> = { ok: true; value: T } | { ok: false; error: WireError };
