/**
 * Entry point of the engine host process: a worker thread (CLI, browser mode),
 * an Electron utilityProcess (the app) or a forked child. Serves the engine
 * host's methods on whichever port it was started with.
 */
import { requireParentRpcPort } from '../workers/parent-port';
import { serveEngineHost } from './handlers';

serveEngineHost(requireParentRpcPort('engine-host.worker'));
