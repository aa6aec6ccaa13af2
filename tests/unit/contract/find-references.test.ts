// The point of call objects: an IDE goes from a call's definition to every
// caller and to its handler. This asks TypeScript's language service (what
// editors use) for the references of `scanCalls.start` in the real sources.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/paths';

const DEFINITION = path.join(PROJECT_ROOT, 'src-shared/contract/scan-calls.ts');
const HANDLER = path.join(PROJECT_ROOT, 'src-main/core/scan/scan-service.ts');
const CALLER = path.join(PROJECT_ROOT, 'src-renderer/stores/scans.ts');

function languageService(files: string[]): ts.LanguageService {
  const options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    skipLibCheck: true,
    noEmit: true,
  };
  return ts.createLanguageService({
    getScriptFileNames: () => files,
    getScriptVersion: () => '1',
    getScriptSnapshot: (file) => (fs.existsSync(file) ? ts.ScriptSnapshot.fromString(fs.readFileSync(file, 'utf8')) : undefined),
    getCurrentDirectory: () => PROJECT_ROOT,
    getCompilationSettings: () => options,
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  });
}

describe('contract calls and find-references', () => {
  it('lists the renderer caller and the back-end handler of scanCalls.start', () => {
    const service = languageService([DEFINITION, HANDLER, CALLER]);
    const source = fs.readFileSync(DEFINITION, 'utf8');
    const at = source.indexOf('  start: defineCall(') + 2;
    const references = (service.findReferences(DEFINITION, at) ?? []).flatMap((symbol) => symbol.references);
    const where = references.map((r) => {
      const text = fs.readFileSync(r.fileName, 'utf8');
      const line = text.slice(0, r.textSpan.start).split('\n').length;
      return `${path.relative(PROJECT_ROOT, r.fileName)}:${text.split('\n')[line - 1]!.trim()}`;
    });
    expect(where).toContainEqual(expect.stringMatching(/^src-renderer\/stores\/scans\.ts:.*api\.call\(scanCalls\.start,/));
    expect(where).toContainEqual(expect.stringMatching(/^src-main\/core\/scan\/scan-service\.ts:start: async/));
  });
});
