/** What the back end says about itself: version, mode, where the case log lives. */
import { z } from 'zod';

export const AppInfoSchema = z.object({
  name: z.literal('ClipScan'),
  version: z.string(),
  /** How the UI reaches the back end. */
  mode: z.enum(['electron', 'browser']),
  platform: z.string(),
  nodeVersion: z.string(),
  databasePath: z.string(),
  /** Folders the user allowed this session to read (browser mode: given at launch). */
  allowedRoots: z.array(z.string()),
  /** A file to show at start-up, when one was given at launch. */
  initialFile: z.string().nullable(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;
