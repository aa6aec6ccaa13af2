// The layer rules are enforced by lint: this proves the rule fires on each
// forbidden import and stays quiet on allowed ones.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { PROJECT_ROOT } from '../../helpers/paths';

const eslint = new ESLint({ cwd: PROJECT_ROOT });

async function layeringErrors(relativeFile: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(PROJECT_ROOT, relativeFile) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'clipscan/layering').map((m) => m.message);
}

describe('layer rules', () => {
  it('keeps src-shared pure', async () => {
    expect(await layeringErrors('src-shared/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toHaveLength(1);
    expect(await layeringErrors('src-shared/x.ts', "import { a } from '../src-main/core/services';\nexport const b = a;\n")).toHaveLength(1);
    expect(await layeringErrors('src-shared/x.ts', "import { z } from 'zod';\nexport const b = z;\n")).toHaveLength(0);
  });

  it('keeps Node and the back end out of the renderer', async () => {
    expect(await layeringErrors('src-renderer/x.ts', "import path from 'path';\nexport const a = path;\n")).toHaveLength(1);
    expect(await layeringErrors('src-renderer/x.ts', "import Database from 'better-sqlite3';\nexport const a = Database;\n")).toHaveLength(1);
    expect(await layeringErrors('src-renderer/x.ts', "import { a } from '../src-main/core/services';\nexport const b = a;\n")).toHaveLength(1);
    expect(await layeringErrors('src-renderer/x.ts', "import { contract } from '../src-shared/contract/calls';\nexport const b = contract;\n")).toHaveLength(0);
  });

  it('lets the renderer unit tests, and no other test, import src-renderer', async () => {
    const code = "import { useScansStore } from '../../../src-renderer/stores/scans';\nexport const a = useScansStore;\n";
    expect(await layeringErrors('tests/unit/renderer/x.test.ts', code)).toHaveLength(0);
    expect(await layeringErrors('tests/unit/scan/x.test.ts', code)).toHaveLength(1);
    expect(
      await layeringErrors(
        'tests/integration/x.test.ts',
        "import { useScansStore } from '../../src-renderer/stores/scans';\nexport const a = useScansStore;\n",
      ),
    ).toHaveLength(1);
  });

  it('allows electron only in src-main/electron', async () => {
    const code = "import { app } from 'electron';\nexport const a = app;\n";
    expect(await layeringErrors('src-main/core/x.ts', code)).toHaveLength(1);
    expect(await layeringErrors('src-main/cli/x.ts', code)).toHaveLength(1);
    expect(await layeringErrors('src-main/electron/x.ts', code)).toHaveLength(0);
    expect(await layeringErrors('src-main/core/x.ts', "const e = require('electron');\nexport default e;\n")).toHaveLength(1);
  });
});

describe('layer order inside src-main/core', () => {
  it('fails on an import up the order and passes on one down it', async () => {
    // caselog (layer 0) reaching up into dicom (layer 1): the loop this rule ended.
    expect(await layeringErrors('src-main/core/caselog/x.ts', "import { walkFolder as walk } from '../dicom/walk';\nexport const a = walk;\n")).toEqual([
      expect.stringContaining('caselog (layer 0) may not import dicom (layer 1, higher)'),
    ]);
    expect(await layeringErrors('src-main/core/engine/x.ts', "import type { X } from '../training/trainer';\nexport type Y = X;\n")).toHaveLength(1);
    expect(await layeringErrors('src-main/core/engine-client/x.ts', "export { train } from '../engine-host/train';\n")).toHaveLength(1);
    expect(await layeringErrors('src-main/core/dicom/x.ts', "const s = import('../services');\nexport default s;\n")).toHaveLength(1);
    // Down the order, inside one folder, and into src-shared: allowed.
    expect(await layeringErrors('src-main/core/dicom/x.ts', "import { prepared } from '../caselog/prepared';\nexport const a = prepared;\n")).toHaveLength(0);
    expect(
      await layeringErrors(
        'src-main/core/scan/x.ts',
        "import { walkFolder as walk } from '../dicom/walk';\nimport { organWord } from './organ-word';\nexport const a = [walk, organWord];\n",
      ),
    ).toHaveLength(0);
    expect(
      await layeringErrors('src-main/core/services.ts', "import { ScanService } from './scan/scan-service';\nexport const a = ScanService;\n"),
    ).toHaveLength(0);
  });

  it('keeps folders of one layer apart and every folder in a layer', async () => {
    expect(await layeringErrors('src-main/core/scan/x.ts', "import { trainAdapter } from '../training/trainer';\nexport const a = trainAdapter;\n")).toEqual([
      expect.stringContaining('share layer'),
    ]);
    expect(await layeringErrors('src-main/core/newfolder/x.ts', "import { walkFolder as walk } from '../dicom/walk';\nexport const a = walk;\n")).toEqual([
      expect.stringContaining('has no layer'),
    ]);
  });

  it('holds for the whole of src-main/core (scripts/core-import-graph.mjs finds no upward edge)', () => {
    const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'scripts/core-import-graph.mjs'), '--json'], { encoding: 'utf8' });
    const graph = JSON.parse(run.stdout) as { edges: { from: string; to: string }[]; upward: number };
    expect(graph.edges.length).toBeGreaterThan(20);
    expect(graph.upward).toBe(0);
    expect(run.status).toBe(0);
  });
});
