/**
 * Routes errors nobody caught (a rejected promise inside a library, a thrown
 * callback) to the notification area, so that no failure is silent, except
 * those marked as handled elsewhere (`markHandled`).
 *
 *   const stop = routeUncaughtErrors(window, (err) => messages.error('Unexpected error', err));
 *   markHandled(err);   // caught and reported here: not again as unexpected
 */
const handled = new WeakSet<object>();

/**
 * Marks an error that code has caught and reported (or counted) itself, for
 * libraries that reject a copy of the same promise without catching it: the
 * image cache behind Cornerstone's `loadAndCacheImage` does so for every image
 * that fails to load.
 */
export function markHandled(err: unknown): void {
  if (typeof err === 'object' && err !== null) handled.add(err);
}

export function routeUncaughtErrors(target: Window, report: (err: unknown) => void): () => void {
  const onRejection = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    const reason: unknown = event.reason;
    if (typeof reason === 'object' && reason !== null && handled.has(reason)) return;
    report(reason);
  };
  const onError = (event: ErrorEvent) => {
    event.preventDefault();
    report(event.error ?? event.message);
  };
  target.addEventListener('unhandledrejection', onRejection);
  target.addEventListener('error', onError);
  return () => {
    target.removeEventListener('unhandledrejection', onRejection);
    target.removeEventListener('error', onError);
  };
}
