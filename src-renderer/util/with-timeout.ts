/**
 * Gives up on a promise after `ms`: some Cornerstone decode failures throw
 * inside a callback and leave the load promise pending for ever, so the UI
 * bounds every image load and reports a readable error instead of hanging.
 *
 *   await withTimeout(viewport.setStack(ids), 30_000, 'Displaying the series');
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s (the image may not be decodable).`)), ms);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
