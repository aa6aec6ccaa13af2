/**
 * The finding as a Comprehensive SR: a "Diagnostic Imaging Report" container
 * holding the method, the model bundle (id, version, SHA-256), the adapter
 * (id, SHA-256) when one was used, the series and key-image scores, the
 * threshold, the reader's verdict and note, and the key images themselves
 * (IMAGE items referencing the scanned instances, and listed as evidence).
 * ClipScan's own concepts use the private coding scheme 99CLIPSCAN.
 */
import { code, ds, newUid, type Dataset } from '../dicom/dataset-io';
import { commonModules, type CommonOptions } from './common-modules';
import type { SourceSeries } from './source-series';

export const COMPREHENSIVE_SR_STORAGE = '1.2.840.10008.5.1.4.1.1.88.33';
const SCHEME = '99CLIPSCAN';

const VERDICT_WORDS = { true_finding: 'true finding', false_alarm: 'false alarm', unsure: 'unsure' } as const;

function text(concept: Dataset, value: string): Dataset {
  return { RelationshipType: 'CONTAINS', ValueType: 'TEXT', ConceptNameCodeSequence: [concept], TextValue: value };
}

function num(concept: Dataset, value: number): Dataset {
  return {
    RelationshipType: 'CONTAINS',
    ValueType: 'NUM',
    ConceptNameCodeSequence: [concept],
    MeasuredValueSequence: [{ NumericValue: ds(value), MeasurementUnitsCodeSequence: [code('1', 'UCUM', 'no units')] }],
  };
}

export function buildFindingReport(src: SourceSeries, options: CommonOptions & { seriesNumber: number }): Dataset {
  const { summary, series } = src;
  const items: Dataset[] = [
    text(code('111001', 'DCM', 'Algorithm Name'), `ClipScan ${summary.method}`),
    text(code('111003', 'DCM', 'Algorithm Version'), `${summary.model.id} ${summary.model.version}`),
    text(code('MODEL_SHA256', SCHEME, 'Model bundle SHA-256'), summary.model.sha256),
  ];
  if (summary.model.demo) items.push(text(code('MODEL_NOTE', SCHEME, 'Model note'), 'Demo model with random weights: the scores mean nothing.'));
  if (src.adapter) {
    items.push(text(code('ADAPTER_ID', SCHEME, 'Adapter'), src.adapter.id), text(code('ADAPTER_SHA256', SCHEME, 'Adapter SHA-256'), src.adapter.sha256));
  }
  items.push(num(code('SERIES_SCORE', SCHEME, 'Series anomaly score'), series.score!), num(code('THRESHOLD', SCHEME, 'Anomaly threshold'), summary.threshold));
  items.push(text(code('VERDICT', SCHEME, 'Reader verdict'), series.verdict ? VERDICT_WORDS[series.verdict] : 'not reviewed'));
  if (series.note.trim()) items.push(text(code('NOTE', SCHEME, 'Reader note'), series.note));
  for (const key of src.keyImages) {
    items.push(
      {
        RelationshipType: 'CONTAINS',
        ValueType: 'IMAGE',
        ConceptNameCodeSequence: [code('KEY_IMAGE', SCHEME, 'Key image')],
        ReferencedSOPSequence: [
          {
            ReferencedSOPClassUID: key.header.SOPClassUID,
            ReferencedSOPInstanceUID: key.header.SOPInstanceUID,
            ...(key.frameNumber !== null ? { ReferencedFrameNumber: key.frameNumber } : {}),
          },
        ],
      },
      num(code('IMAGE_SCORE', SCHEME, 'Key image anomaly score'), key.image.score!),
    );
  }
  const evidence = [...new Map(src.keyImages.map((k) => [String(k.header.SOPInstanceUID), k])).values()];
  return {
    ...commonModules(src.first, options),
    SOPClassUID: COMPREHENSIVE_SR_STORAGE,
    SOPInstanceUID: newUid(),
    Modality: 'SR',
    SeriesInstanceUID: newUid(),
    SeriesNumber: options.seriesNumber,
    SeriesDescription: 'ClipScan finding',
    ReferencedPerformedProcedureStepSequence: [],
    InstanceNumber: 1,
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'UNVERIFIED',
    PerformedProcedureCodeSequence: [],
    CurrentRequestedProcedureEvidenceSequence: [
      {
        StudyInstanceUID: src.first.StudyInstanceUID,
        ReferencedSeriesSequence: [
          {
            SeriesInstanceUID: series.seriesInstanceUid,
            ReferencedSOPSequence: evidence.map((k) => ({ ReferencedSOPClassUID: k.header.SOPClassUID, ReferencedSOPInstanceUID: k.header.SOPInstanceUID })),
          },
        ],
      },
    ],
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: [code('18748-4', 'LN', 'Diagnostic Imaging Report')],
    ContinuityOfContent: 'SEPARATE',
    ContentSequence: items,
  };
}
