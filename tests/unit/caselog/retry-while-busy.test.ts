// Opening a new case log from two processes at once: SQLite may refuse the
// switch to WAL with SQLITE_BUSY at once, without waiting on its busy handler
// (seen about once in 200 concurrent opens). retryWhileBusy repeats such a step
// until the busy timeout, and lets every other error through at once.
import { describe, expect, it } from 'vitest';
import { retryWhileBusy } from '../../../src-main/core/caselog/open';

function sqliteError(code: string): Error {
  return Object.assign(new Error('database is locked'), { code });
}

describe('retryWhileBusy', () => {
  it('repeats a step that SQLite refused as busy until it succeeds', () => {
    let calls = 0;
    const result = retryWhileBusy(() => {
      calls++;
      if (calls < 3) throw sqliteError('SQLITE_BUSY');
      return 'wal';
    }, 5_000);
    expect(result).toBe('wal');
    expect(calls).toBe(3);
  });

  it('gives up with the busy error once the timeout has passed', () => {
    let calls = 0;
    expect(() =>
      retryWhileBusy(() => {
        calls++;
        throw sqliteError('SQLITE_BUSY');
      }, 60),
    ).toThrow(/database is locked/);
    expect(calls).toBeGreaterThan(1);
  });

  it('does not repeat any other error', () => {
    let calls = 0;
    expect(() =>
      retryWhileBusy(() => {
        calls++;
        throw sqliteError('SQLITE_READONLY');
      }, 5_000),
    ).toThrow();
    expect(calls).toBe(1);
  });
});
