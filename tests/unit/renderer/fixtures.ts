/**
 * Contract-valid objects for the renderer's store tests: a study with one
 * series, its detail (instances in display order), a scan summary and a scan
 * progress event. Each takes overrides, so a test states only what it is about.
 *
 *   const detail = seriesDetail({ modality: 'US', isImage: false });
 *   backend.emit('scans.progress', scanProgress({ scanId: 7, status: 'done' }));
 */
import type { AdapterSummary } from '../../../src-shared/contract/training-calls';
import type { SeriesDetail, SeriesSummary, StudySummary } from '../../../src-shared/domain/library';
import type { ScanProgress, ScanSummary } from '../../../src-shared/domain/scan';

export const STUDY_UID = '1.2.826.0.1.3680043.2.1125.1';
export const SERIES_UID = '1.2.826.0.1.3680043.2.1125.1.2';

export function seriesSummary(overrides: Partial<SeriesSummary> = {}): SeriesSummary {
  return {
    seriesInstanceUid: SERIES_UID,
    studyInstanceUid: STUDY_UID,
    part: 1,
    parts: 1,
    modality: 'CT',
    seriesNumber: 2,
    seriesDescription: 'Chest',
    rows: 512,
    columns: 512,
    instances: 3,
    frames: 3,
    timePoints: 1,
    photometricInterpretation: 'MONOCHROME2',
    transferSyntaxes: ['1.2.840.10008.1.2.1'],
    pixelSpacing: [0.7, 0.7],
    sliceSpacing: 2.5,
    reconstructable: true,
    gaps: 0,
    multiFrame: false,
    isImage: true,
    notes: [],
    ...overrides,
  };
}

export function study(series: SeriesSummary[] = [seriesSummary()]): StudySummary {
  return {
    studyInstanceUid: STUDY_UID,
    patientId: 'P1',
    patientName: 'Test^Patient',
    patientBirthDate: null,
    patientSex: null,
    studyDate: '20240101',
    studyDescription: 'Chest CT',
    accessionNumber: null,
    series,
  };
}

/** A series whose instances are `paths`, one frame each, in that (display) order. */
export function seriesDetail(paths: string[], overrides: Partial<SeriesDetail> = {}): SeriesDetail {
  return {
    ...seriesSummary({ instances: paths.length, frames: paths.length }),
    instancesInOrder: paths.map((path, i) => ({
      path,
      sopInstanceUid: `${SERIES_UID}.${i + 1}`,
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      instanceNumber: i + 1,
      frames: 1,
      timePoint: 0,
      imagePositionPatient: [0, 0, -2.5 * i],
      imageOrientationPatient: [1, 0, 0, 0, 1, 0],
      sliceLocation: -2.5 * i,
    })),
    ...overrides,
  };
}

export function scanSummary(overrides: Partial<ScanSummary> = {}): ScanSummary {
  return {
    id: 7,
    status: 'queued',
    method: 'zeroshot',
    model: { id: 'tiny-demo', version: '1', sha256: 'a'.repeat(64), demo: true },
    precision: 'fp32',
    scorer: 'fast',
    adapterId: null,
    provider: null,
    fallbackReason: null,
    threshold: 0.5,
    imagesTotal: 10,
    imagesDone: 0,
    imagesFailed: 0,
    createdAt: '2026-01-01T10:00:00Z',
    startedAt: null,
    finishedAt: null,
    error: null,
    series: [],
    timings: null,
    ...overrides,
  };
}

export function scanProgress(overrides: Partial<ScanProgress> = {}): ScanProgress {
  return { scanId: 7, status: 'running', imagesTotal: 10, imagesDone: 1, imagesFailed: 0, image: null, ...overrides };
}

export function adapter(overrides: Partial<AdapterSummary> = {}): AdapterSummary & { label: string } {
  const summary: AdapterSummary = {
    id: 'mediclip-tiny-demo-k4-s1',
    method: 'mediclip',
    bundleId: 'tiny-demo',
    bundleVersion: '1',
    demo: true,
    shots: { normal: 4, abnormal: 0 },
    epochs: 2,
    seed: 1,
    textEncoder: 'faithful',
    schedule: 'custom (approximation: 2 of 200 epochs)',
    lastLoss: 0.3,
    createdAt: '2026-01-01T09:00:00Z',
    ...overrides,
  };
  return { ...summary, label: summary.id };
}
