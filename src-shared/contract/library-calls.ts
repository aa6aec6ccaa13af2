/**
 * The library's part of the contract: index a folder (with progress events),
 * cancel it, list studies, open one series in display order, recent folders.
 * `contract.library` in calls.ts; the event is spread into events.ts.
 */
import { z } from 'zod';
import { defineCall, defineEvent } from './define';
import { IndexProgressSchema, IndexSummarySchema, RecentFolderSchema, SeriesDetailSchema, StudySummarySchema } from '../domain/library';

export const libraryCalls = {
  indexFolder: defineCall({
    name: 'library.indexFolder',
    summary: 'Allow a folder, index it into the case log (incremental) and return what it holds; emits library.indexProgress.',
    args: z.object({ folder: z.string().min(1) }),
    result: IndexSummarySchema,
  }),
  cancelIndex: defineCall({
    name: 'library.cancelIndex',
    summary: 'Stop a running indexFolder of this folder; what was indexed so far is kept. False when none was running.',
    args: z.object({ folder: z.string().min(1) }),
    result: z.object({ cancelled: z.boolean() }),
  }),
  studies: defineCall({
    name: 'library.studies',
    summary: 'Indexed studies with their series, all of them or those with files in one folder.',
    args: z.object({ folder: z.string().min(1).optional() }),
    result: z.array(StudySummarySchema),
  }),
  series: defineCall({
    name: 'library.series',
    summary: 'One series with its instances in display order (time point, position along the normal, instance number).',
    args: z.object({ seriesInstanceUid: z.string().min(1), part: z.number().int().positive().optional() }),
    result: SeriesDetailSchema,
  }),
  recentFolders: defineCall({
    name: 'library.recentFolders',
    summary: 'Indexed folders, most recent first.',
    args: z.object({}),
    result: z.array(RecentFolderSchema),
  }),
} as const;

export const libraryEvents = {
  'library.indexProgress': defineEvent({
    summary: 'Progress of library.indexFolder: files seen, indexed, skipped (unchanged), errors, and done at the end.',
    payload: IndexProgressSchema,
  }),
} as const;
