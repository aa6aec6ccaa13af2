/**
 * Every event the back end can push to the UI (progress of long jobs, results
 * arriving). Payloads are validated on both sides like call results.
 */
import { z } from 'zod';
import { defineEvent } from './define';
import { scanEvents } from './scan-calls';
import { libraryEvents } from './library-calls';
import { modelEvents } from './models-calls';
import { trainingEvents } from './training-calls';
import { dicomwebEvents } from './dicomweb-calls';

export const events = {
  ...scanEvents,
  ...libraryEvents,
  ...modelEvents,
  ...trainingEvents,
  ...dicomwebEvents,
  'app.notice': defineEvent({
    summary: 'A message for the notification area (for example a crashed worker that was restarted).',
    payload: z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
  }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<K extends EventName> = z.output<Events[K]['payload']>;

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}
