// Uncaught errors reach the notification area, except those the code marked
// as handled (Cornerstone's image cache rejects a copy of a failed load that the
// viewer has already caught and reported).
import { describe, expect, it } from 'vitest';
import { markHandled, routeUncaughtErrors } from '../../../src-renderer/util/global-errors';

function rejection(reason: unknown): Event {
  return Object.assign(new Event('unhandledrejection', { cancelable: true }), { reason });
}

describe('routeUncaughtErrors', () => {
  it('reports an unhandled rejection, but not one marked as handled', () => {
    const target = new EventTarget();
    const reported: unknown[] = [];
    const stop = routeUncaughtErrors(target as unknown as Window, (err) => reported.push(err));
    const reportedOnce = new Error('x.dcm cannot be read');
    const stray = new Error('nobody caught this');
    markHandled(reportedOnce);

    target.dispatchEvent(rejection(reportedOnce));
    target.dispatchEvent(rejection(stray));
    target.dispatchEvent(rejection('a string reason'));
    stop();
    target.dispatchEvent(rejection(new Error('after stop')));

    expect(reported).toEqual([stray, 'a string reason']);
  });
});
