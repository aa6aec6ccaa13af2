/**
 * Every case-log migration, in order. Append new ones at the end; never
 * reorder, renumber or edit a released one. `version` must equal position + 1
 * (checked when the case log opens).
 */
import type { Migration } from '../migration';
import { migration001Library } from './001-library';
import { migration002Models } from './002-models';
import { migration003Scans } from './003-scans';
import { migration004ScanPrecision } from './004-scan-precision';
import { migration005DicomExports } from './005-dicom-exports';
import { migration006ScanRunTimings } from './006-scan-run-timings';
import { migration007ScanScorer } from './007-scan-scorer';
import { migration008Settings } from './008-settings';

export const migrations: readonly Migration[] = [
  migration001Library,
  migration002Models,
  migration003Scans,
  migration004ScanPrecision,
  migration005DicomExports,
  migration006ScanRunTimings,
  migration007ScanScorer,
  migration008Settings,
];
