/**
 * The contract's report calls (reports.*), mapped onto the report service; wired in services.ts.
 * An export asked for by the UI writes only into the exports folder or where the native save dialog said.
 */
import type { HandlersFor } from '../../../src-shared/contract/define';
import type { reportCalls } from '../../../src-shared/contract/report-calls';
import type { AllowedRoots } from '../files/allowed-roots';
import type { ReportService } from './report-service';

export function createReportHandlers(reports: ReportService, roots: AllowedRoots): HandlersFor<typeof reportCalls> {
  return {
    export: async (args) => {
      await reports.checkUiTarget(args.path);
      const saved = await reports.export({
        scanId: args.scanId,
        seriesInstanceUid: args.seriesInstanceUid,
        format: args.format,
        path: args.path,
        deidentify: args.deidentify,
        layout: args.layout,
        imageId: args.imageId,
        keyImages: args.keyImages,
        display: args.display,
        truthFile: args.truthFile ? await roots.resolve(args.truthFile) : null,
        window: args.window,
        screen: args.screen,
      });
      return { path: saved.path, bytes: saved.bytes, format: saved.format, exportId: saved.exportId, sha256: saved.sha256 };
    },
    defaultPath: async (args) => ({ path: reports.defaultPath(args) }),
    list: async ({ scanId }) => reports.list(scanId),
  };
}
