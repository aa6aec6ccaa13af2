/**
 * Routes errors nobody caught (a rejected promise inside a library, a thrown
 * callback) to the notification area, so that no failure is silent.
 *
 *   const stop = routeUncaughtErrors(window, (err) => messages.error('Unexpected error', err));
 */
export function routeUncaughtErrors(target: Window, report: (err: unknown) => void): () => void {
  const onRejection = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    report(event.reason);
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
