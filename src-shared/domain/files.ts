/**
 * The browser-mode folder browser's view of the disk: one folder's entries,
 * limited to the folders the user allowed at launch. With no path the "folder"
 * is the list of allowed roots themselves (parent null).
 *
 *   { path: '/data', parent: null, entries: [{ name: 'ct', path: '/data/ct', isDirectory: true }] }
 */
import { z } from 'zod';

export const FolderEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  isDirectory: z.boolean(),
});
export type FolderEntry = z.infer<typeof FolderEntrySchema>;

export const FolderListingSchema = z.object({
  /** The folder listed, or null for the list of allowed roots. */
  path: z.string().nullable(),
  /** The folder above, null at an allowed root (go back to the roots list). */
  parent: z.string().nullable(),
  /** Folders first, then files, each sorted by name. */
  entries: z.array(FolderEntrySchema),
});
export type FolderListing = z.infer<typeof FolderListingSchema>;
