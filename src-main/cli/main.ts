/**
 * The `clipscan` command line: one sub-command per file in ./commands. Every
 * command calls the same core services as the UI; errors print a readable
 * message (and the stack with CLIPSCAN_DEBUG=1) and exit non-zero.
 */
type Command = (argv: string[]) => Promise<number>;

// Each command's module (and what it needs: SQLite, ONNX Runtime, pdf-lib...) is
// loaded only when that command runs, so `clipscan info` or `index` start fast.
const COMMANDS: Record<string, { run: Command; summary: string }> = {
  info: { run: async (a) => (await import('./commands/info')).infoCommand(a), summary: 'version, platform and case-log location' },
  index: { run: async (a) => (await import('./commands/index')).indexCommand(a), summary: 'index a DICOM folder into the case log (--db FILE, --json)' },
  scan: {
    run: async (a) => (await import('./commands/scan')).scanCommand(a),
    summary: 'scan a folder or series for anomalies (--method, --model, --resume ID, --json)',
  },
  train: {
    run: async (a) => (await import('./commands/train')).trainCommand(a),
    summary:
      'few-shot adapter training: --method mediclip|madclip|mvfa --normal DIR [--abnormal DIR --masks DIR] --shots K --seed S --epochs N [--model ID] [--json]',
  },
  eval: {
    run: async (a) => (await import('./commands/eval')).evalCommand(a),
    summary:
      'few-shot evaluation on a MediCLIP-layout set: --data DIR --method --shots K --seed S [--epochs N] [--limit N] [--json]; or a scanned series against its ground truth: --series UID --truth SEG|NIFTI [--scan ID] [--json]',
  },
  models: {
    run: async (a) => (await import('./commands/models')).modelsCommand(a),
    summary: 'installed model bundles: list, import <dir>, download <url> --sha256 HEX, verify, remove (--json)',
  },
  report: {
    run: async (a) => (await import('./commands/report')).reportCommand(a),
    summary: 'PNG or PDF finding report of a scan: --scan ID --format png|pdf --out FILE [--deidentify]',
  },
  'export-dicom': {
    run: async (a) => (await import('./commands/export-dicom')).exportDicomCommand(a),
    summary: 'scan results as DICOM: --scan ID --out DIR [--seg] [--pmap] [--sr] [--deidentify] [--json]',
  },
  dicomweb: {
    run: async (a) => (await import('./commands/dicomweb')).dicomwebCommand(a),
    summary: 'DICOMweb archive: query (QIDO-RS), retrieve --study UID (WADO-RS), send --scan ID (STOW-RS); --server URL',
  },
  serve: { run: async (a) => (await import('./commands/serve')).serveCommand(a), summary: 'browser mode: serve the UI on 127.0.0.1 with a per-launch token' },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return `Usage: clipscan <command> [options]\n\nCommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (caught) {
    const err = await explainForCli(caught, rest);
    const e = err instanceof Error ? err : new Error(String(err));
    process.stderr.write(`clipscan ${name}: ${e.message}\n`);
    if (process.env.CLIPSCAN_DEBUG) process.stderr.write(`${e.stack ?? ''}\n`);
    return 1;
  }
}

/** A SQLite error that escaped a command names the case log (the one --db or CLIPSCAN_DB chose) and the cause. */
async function explainForCli(err: unknown, argv: string[]): Promise<unknown> {
  if ((err as { name?: unknown } | null)?.name !== 'SqliteError') return err;
  const [{ explainCaseLogError }, { resolveDatabasePath }] = await Promise.all([import('../core/caselog/open'), import('../core/config/app-paths')]);
  const at = argv.findIndex((a) => a === '--db' || a.startsWith('--db='));
  const db = at < 0 ? undefined : argv[at]!.startsWith('--db=') ? argv[at]!.slice(5) : argv[at + 1];
  return explainCaseLogError(err, resolveDatabasePath({ db }));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
