/**
 * Electron's main process: one secure window serving the renderer over the
 * privileged `app://` scheme, the contract's calls over one IPC channel (main
 * frame of the app only), binary calls such as file bytes as GETs of the same
 * `app://` origin (src-shared/contract/binary-get.ts: raw bytes, no structured
 * clone through IPC), and nothing heavy: the back end it composes runs
 * indexing and inference off this thread.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, net, protocol, session } from 'electron';
import { createContractServer, checkedEventSink, type ContractServer } from '../../src-shared/contract/server';
import { answerBinaryGet } from '../../src-shared/contract/binary-get';
import { API_CALL_PREFIX } from '../../src-shared/contract/http-protocol';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../src-shared/contract/ipc-channels';
import { ClipScanError, toWireError } from '../../src-shared/contract/errors';
import { createBackend } from '../core/services';
import { createUtilityProcessHost } from './utility-host';
import { loadDicomwebServer, saveDicomwebServer } from './dicomweb-credentials';
import { resolveDatabasePath } from '../core/config/app-paths';
import { RENDERER_CSP } from '../core/security/csp';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME,
  appUrlToRelativePath,
  isNavigationAllowed,
  isPermissionGranted,
  isTrustedSender,
  secureWebPreferences,
} from './window-security';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, '..', 'renderer');
const preloadPath = path.join(here, 'electron-preload.cjs');

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } },
]);

app.enableSandbox();

app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isNavigationAllowed(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

async function start() {
  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionGranted(permission, details.requestingUrl)),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionGranted(permission, requestingOrigin));
  /** Set once the back end is composed; binary GETs before that are refused. */
  let binaryCalls: ContractServer | null = null;

  protocol.handle(APP_SCHEME, async (request) => {
    const { pathname, search } = new URL(request.url);
    if (pathname.startsWith(API_CALL_PREFIX)) {
      // Only the app's own pages load app:// URLs (navigation elsewhere is denied); a request naming another origin is refused.
      const origin = request.headers.get('origin');
      if (!binaryCalls || request.method !== 'GET' || (origin !== null && origin !== APP_ORIGIN)) return new Response('Forbidden', { status: 403 });
      const answer = await answerBinaryGet(binaryCalls, pathname, search);
      return new Response(answer.body, { status: answer.status, headers: { 'content-type': answer.contentType, 'cache-control': 'no-store' } });
    }
    const relative = appUrlToRelativePath(request.url);
    if (!relative) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(path.join(rendererDir, relative)).toString());
    const headers = new Headers(response.headers);
    headers.set('content-security-policy', RENDERER_CSP);
    return new Response(response.body, { status: response.status, headers });
  });

  let window: BrowserWindow | null = null;
  const backend = createBackend({
    mode: 'electron',
    databasePath: resolveDatabasePath({ appDataDir: app.getPath('userData') }),
    allowedRoots: [],
    // Only folders the user picked in the native dialog (now or in an earlier session) are readable.
    confined: true,
    rememberIndexedFolders: true,
    dicomweb: { initialServer: loadDicomwebServer(app.getPath('userData')), onServerChanged: (server) => saveDicomwebServer(app.getPath('userData'), server) },
    engineHost: () => createUtilityProcessHost((level, message) => console[level === 'error' ? 'error' : 'log'](`[engine] ${message}`)),
    dialogs: {
      async chooseFolder(title) {
        const result = await dialog.showOpenDialog(window!, { title: title ?? 'Open a DICOM folder', properties: ['openDirectory'] });
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
      async chooseSavePath(defaultName, format) {
        const filters = format === 'pdf' ? [{ name: 'PDF report', extensions: ['pdf'] }] : [{ name: 'PNG image', extensions: ['png'] }];
        const result = await dialog.showSaveDialog(window!, { defaultPath: path.join(app.getPath('documents'), defaultName), filters });
        return result.canceled ? null : (result.filePath ?? null);
      },
    },
    demoBundleDir: app.isPackaged ? path.join(process.resourcesPath, 'models', 'tiny-demo') : path.join(here, '..', '..', 'models', 'fixtures', 'tiny-demo'),
    emit: checkedEventSink((name, payload) => {
      if (window && !window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, name, payload);
    }),
  });
  const contract = createContractServer(backend.handlers);
  binaryCalls = contract;

  ipcMain.handle(IPC_CALL_CHANNEL, async (event, name: unknown, args: unknown) => {
    const frame = event.senderFrame;
    if (!frame || !isTrustedSender({ url: frame.url, isMainFrame: frame === event.sender.mainFrame })) {
      return { ok: false, error: toWireError(new ClipScanError('UNTRUSTED_SENDER', 'IPC refused: not the app window.')) };
    }
    return contract.dispatch(String(name), args);
  });

  window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'ClipScan',
    show: false,
    backgroundColor: '#101418',
    webPreferences: secureWebPreferences(preloadPath),
  });
  window.once('ready-to-show', () => window?.show());
  await window.loadURL(APP_ENTRY_URL);

  app.on('window-all-closed', () => {
    void backend.close().finally(() => app.quit());
  });
}

start().catch((err: unknown) => {
  console.error('ClipScan failed to start:', err);
  app.exit(1);
});
