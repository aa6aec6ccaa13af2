/** The report input schema and the words of the report (identity shown or removed). */
import { describe, expect, test } from 'vitest';
import { parseFindingReportInput, type FindingReportInputRaw } from '../../../src-main/core/reports/report-input';
import { documentTitle, formatDicomDate, formatPersonName, headerRows, modelRows, resultRows } from '../../../src-main/core/reports/report-text';
import { formatScore } from '../../../src-main/core/reports/score-format';
import { ClipScanError } from '../../../src-shared/contract/errors';

/** A minimal valid input with a 4×3 image (test input). */
function raw(over: Partial<FindingReportInputRaw> = {}): FindingReportInputRaw {
  return {
    header: {
      patientName: 'Citizen^Jan',
      patientId: 'PID-42',
      patientBirthDate: '19700102',
      patientSex: 'F',
      studyDate: '20240305',
      institution: 'General Hospital',
      modality: 'CR',
    },
    deidentify: false,
    keyImages: [
      {
        label: 'image 1 of 1',
        original: { width: 4, height: 3, channels: 1, pixels: new Uint8Array(12) },
        map: { values: new Float32Array(12), lo: 0, hi: 1 },
        sliceScore: 0.4,
      },
    ],
    scores: { image: 0.4, threshold: 0.5 },
    model: { bundleId: 'b', bundleVersion: '1', bundleSha256: 'f'.repeat(64), method: 'zeroshot', shots: null, adapter: null, demo: false },
    executionProvider: 'cpu',
    verdict: null,
    generatedAt: { iso: '2025-01-02T03:04:05Z', local: '2 Jan 2025 03:04' },
    appVersion: '0.1.0',
    ...over,
  };
}

describe('parseFindingReportInput', () => {
  test('fills defaults (display, note, series score)', () => {
    const input = parseFindingReportInput(raw());
    expect(input.display).toEqual({ colormap: 'inferno', opacity: 0.5, lowerThreshold: null });
    expect(input.note).toBe('');
    expect(input.scores.series).toBeNull();
    expect(input.header.seriesDescription).toBe('');
  });

  test('a map on another grid, wrong pixel count or empty range is refused with a readable message', () => {
    const bad = raw();
    bad.keyImages[0].map.values = new Float32Array(11);
    bad.keyImages[0].original.pixels = new Uint8Array(5);
    try {
      parseFindingReportInput(bad);
      throw new Error('not refused');
    } catch (err) {
      expect(err).toBeInstanceOf(ClipScanError);
      expect((err as ClipScanError).code).toBe('REPORT_INPUT_INVALID');
      expect((err as Error).message).toMatch(/anomaly map has 11 values, expected 4×3/);
      expect((err as Error).message).toMatch(/original has 5 bytes/);
    }
    const empty = raw();
    empty.keyImages[0].map = { values: new Float32Array(12), lo: 1, hi: 1 };
    expect(() => parseFindingReportInput(empty)).toThrow(/range/);
    expect(() => parseFindingReportInput(raw({ keyImages: [] }))).toThrow(ClipScanError);
    const plain = raw();
    (plain.keyImages[0].original as { pixels: unknown }).pixels = new Array(12).fill(0);
    expect(() => parseFindingReportInput(plain)).toThrow(/expected a Uint8Array/);
    expect(() => parseFindingReportInput(raw({ generatedAt: { iso: 'yesterday', local: 'x' } }))).toThrow(/generatedAt/);
  });
});

describe('report text', () => {
  test('identity rows when shown; only the modality when de-identified, and nothing identifying in the title', () => {
    const input = parseFindingReportInput(raw());
    const shown = headerRows(input.header, { deidentify: false });
    expect(shown).toContainEqual(['Patient name', 'Citizen, Jan']);
    expect(shown).toContainEqual(['Birth date', '1970-01-02']);
    expect(shown).toContainEqual(['Sex', 'female']);
    expect(documentTitle(input)).toContain('PID-42');
    const hidden = parseFindingReportInput(raw({ deidentify: true }));
    const rows = headerRows(hidden.header, { deidentify: true });
    expect(rows).toEqual([['Modality', 'CR']]);
    const title = documentTitle(hidden);
    for (const s of ['Citizen', 'Jan', 'PID-42', '2024', 'General']) expect(title).not.toContain(s);
  });

  test('scores carry the threshold; zero-shot without adapter is said so', () => {
    const input = parseFindingReportInput(raw());
    expect(resultRows(input)).toContainEqual(['Image score', '0.40 (threshold 0.50: below threshold)']);
    expect(resultRows(input)).toContainEqual(['Verdict', 'none given']);
    const model = modelRows(input.model, 'cuda');
    expect(model).toContainEqual(['Adapter', 'none (zero-shot, no trained adapter)']);
    expect(model).toContainEqual(['Execution provider', 'cuda']);
    expect(model.map(([k]) => k)).not.toContain('Training schedule');
    const schedule = 'quick (approximation: causal text encoder, 17 of 60 epochs)';
    const trained = { ...input.model, method: 'madclip', shots: 32, adapter: { id: 'a', version: 'v', sha256: 'e'.repeat(64), schedule } };
    expect(modelRows(trained, 'cpu')).toContainEqual(['Training schedule', schedule]);
  });

  test('formatting helpers', () => {
    expect(formatPersonName('Doe^Jane^Q^Dr^Jr')).toBe('Doe, Dr Jane Q Jr');
    expect(formatPersonName('Jane_Doe')).toBe('Jane_Doe');
    expect(formatDicomDate('20000101')).toBe('2000-01-01');
    expect(formatScore(0.5, 1)).toBe('0.50');
    expect(formatScore(0.0125, 0.05)).toBe('0.0125');
    expect(formatScore(42, 100)).toBe('42');
    expect(formatScore(-0.001, 1)).toBe('0.00');
    expect(formatScore(Number.NaN)).toBe('n/a');
  });
});
