/** `clipscan info [--json]`: version, platform, where the case log lives, and where scans run (providers). */
import { parseArgs } from 'node:util';
import { createBackend } from '../../core/services';
import { resolveDatabasePath } from '../../core/config/app-paths';
import { providerOrder } from '../../core/engine/ort-runtime';

export async function infoCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, db: { type: 'string' } } });
  const backend = createBackend({ mode: 'browser', databasePath: resolveDatabasePath({ db: values.db }), allowedRoots: [] });
  try {
    const info = await backend.handlers.app.info({});
    const build = await backend.handlers.models.providers({});
    const { choice } = await backend.handlers.models.providerChoice({});
    // What a scan tries, in order: the CPU alone when chosen, else the platform's list or CLIPSCAN_PROVIDERS.
    let order: string[] | null = null;
    let problem: string | null = null;
    try {
      order = providerOrder(choice === 'cpu' ? ['cpu'] : undefined);
    } catch (err) {
      problem = err instanceof Error ? err.message : String(err);
    }
    const providers = { inThisBuild: build.filter((p) => p.included).map((p) => p.name), scansRunOn: choice, order, problem };
    if (values.json) {
      process.stdout.write(JSON.stringify({ ...info, providers }) + '\n');
    } else {
      const runsOn = choice === 'cpu' ? 'the CPU only (chosen in the Models tab)' : 'the GPU when one works, else the CPU';
      process.stdout.write(
        `ClipScan ${info.version} on ${info.platform}, Node ${info.nodeVersion}\nCase log: ${info.databasePath}\n` +
          `Execution providers in this build: ${providers.inThisBuild.join(', ')}\n` +
          `Scans run on ${runsOn}; ${order ? `tried in order: ${order.join(', ')}` : problem}\n`,
      );
    }
  } finally {
    await backend.close();
  }
  return 0;
}
