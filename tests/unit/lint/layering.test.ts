// The layer rules are enforced by lint: this proves the rule fires on each
// forbidden import and stays quiet on allowed ones.
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
    expect(await layeringErrors('tests/integration/x.test.ts', "import { useScansStore } from '../../src-renderer/stores/scans';\nexport const a = useScansStore;\n")).toHaveLength(1);
  });

  it('allows electron only in src-main/electron', async () => {
    const code = "import { app } from 'electron';\nexport const a = app;\n";
    expect(await layeringErrors('src-main/core/x.ts', code)).toHaveLength(1);
    expect(await layeringErrors('src-main/cli/x.ts', code)).toHaveLength(1);
    expect(await layeringErrors('src-main/electron/x.ts', code)).toHaveLength(0);
    expect(await layeringErrors('src-main/core/x.ts', "const e = require('electron');\nexport default e;\n")).toHaveLength(1);
  });
});
