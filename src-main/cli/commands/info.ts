/** `clipscan info [--json]`: version, platform and where the case log lives. */
import { parseArgs } from 'node:util';
import { createBackend } from '../../core/services';
import { resolveDatabasePath } from '../../core/config/app-paths';

export async function infoCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, db: { type: 'string' } } });
  const backend = createBackend({ mode: 'browser', databasePath: resolveDatabasePath({ db: values.db }), allowedRoots: [] });
  const info = await backend.handlers.app.info({});
  if (values.json) process.stdout.write(JSON.stringify(info) + '\n');
  else process.stdout.write(`ClipScan ${info.version} on ${info.platform}, Node ${info.nodeVersion}\nCase log: ${info.databasePath}\n`);
  await backend.close();
  return 0;
}
