/**
 * The contract's DICOMweb calls (`contract.dicomweb` in calls.ts): the server
 * (URL, optional basic or bearer credentials, kept by the back end and never
 * sent back), QIDO-RS study query, WADO-RS retrieve of a study into the
 * library (progress events, cancel) and STOW-RS of a scan's DICOM results.
 */
import { z } from 'zod';
import { defineCall, defineEvent } from './define';
import { IndexSummarySchema } from '../domain/library';

export const DicomwebAuthSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('basic'), username: z.string().min(1), password: z.string() }),
  z.object({ kind: z.literal('bearer'), token: z.string().min(1) }),
]);

const UidSchema = z.string().regex(/^[0-9.]{1,64}$/, 'a DICOM UID (digits and dots)');

export const RemoteStudySchema = z.object({
  studyInstanceUid: z.string(),
  patientName: z.string().nullable(),
  patientId: z.string().nullable(),
  patientBirthDate: z.string().nullable(),
  patientSex: z.string().nullable(),
  studyDate: z.string().nullable(),
  studyTime: z.string().nullable(),
  studyDescription: z.string().nullable(),
  accessionNumber: z.string().nullable(),
  modalities: z.array(z.string()),
  series: z.number().int().nullable(),
  instances: z.number().int().nullable(),
});

export const RetrieveProgressSchema = z.object({
  studyInstanceUid: z.string(),
  total: z.number().int(),
  retrieved: z.number().int(),
  present: z.number().int(),
  bytes: z.number(),
  phase: z.enum(['listing', 'retrieving', 'indexing', 'done']),
});

const ServerStateSchema = z.object({ configured: z.boolean(), server: z.string().nullable(), auth: z.enum(['none', 'basic', 'bearer']) });

export const dicomwebCalls = {
  setServer: defineCall({
    name: 'dicomweb.setServer',
    summary: 'Configure the DICOMweb server (URL and optional credentials); browser mode keeps the credentials in memory for the session.',
    args: z.object({ url: z.string().min(1).max(2000), auth: DicomwebAuthSchema.nullish() }),
    result: ServerStateSchema,
  }),
  server: defineCall({ name: 'dicomweb.server', summary: 'The configured server, without its credentials.', args: z.object({}), result: ServerStateSchema }),
  query: defineCall({
    name: 'dicomweb.query',
    summary: 'QIDO-RS: studies by patient name or ID, date or range (YYYYMMDD[-YYYYMMDD]) and modality.',
    args: z.object({ patient: z.string().max(200).nullish(), studyDate: z.string().max(40).nullish(), modality: z.string().max(16).nullish() }),
    result: z.array(RemoteStudySchema),
  }),
  retrieve: defineCall({
    name: 'dicomweb.retrieve',
    summary: 'WADO-RS: fetch a study into the library and index it; emits dicomweb.retrieveProgress; a second run fetches only what is missing.',
    args: z.object({ studyInstanceUid: UidSchema }),
    result: z.object({
      studyInstanceUid: z.string(),
      folder: z.string(),
      instances: z.number().int(),
      retrieved: z.number().int(),
      present: z.number().int(),
      summary: IndexSummarySchema,
    }),
  }),
  cancelRetrieve: defineCall({
    name: 'dicomweb.cancelRetrieve',
    summary: 'Stop a running retrieve; fetched instances are kept.',
    args: z.object({ studyInstanceUid: UidSchema }),
    result: z.object({}),
  }),
  send: defineCall({
    name: 'dicomweb.send',
    summary: "STOW-RS: send a scan's results (SEG, Parametric Map where it applies, SR) for one series to the server.",
    args: z.object({ scanId: z.number().int().positive(), seriesInstanceUid: z.string().min(1).nullish(), deidentify: z.boolean() }),
    result: z.object({ stored: z.array(z.object({ kind: z.string(), sopInstanceUid: z.string() })), notes: z.array(z.string()) }),
  }),
} as const;

export const dicomwebEvents = {
  'dicomweb.retrieveProgress': defineEvent({ summary: 'Progress of dicomweb.retrieve.', payload: RetrieveProgressSchema }),
} as const;
