/**
 * The REST API (JSON under /api/v1) and the built web UI, as an Express app
 * built from its dependencies; `main.ts` listens, tests drive it with
 * supertest.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Db } from '@sluice/db';
import type { EngineResources } from '@sluice/engine';
import type { RemoteLogStore } from '@sluice/remote-logs';
import { errorHandler } from './http-errors';
import { healthHandler } from './health';
import { dagRoutes } from './routes/dags';
import { runRoutes } from './routes/runs';
import { gridRoutes } from './routes/grid';
import { browseRoutes } from './routes/browse';
import { taskRoutes } from './routes/tasks';
import { clearingRoutes } from './routes/clearing';
import { backfillRoutes } from './routes/backfills';
import { connectionRoutes } from './routes/connections';
import { variableRoutes } from './routes/variables';
import { poolRoutes } from './routes/pools';
import { dagBundleRoutes } from './routes/dag-bundles';
import { checkRequestText } from './input';
import { buildOpenApi, routeDocs } from './openapi';
import { checkTransport, securityHeaders } from './transport';
import { accessLog } from './access-log';
import { authenticate } from './auth/authenticate';
import { authorize } from './auth/authorize';
import { checkDagAccess } from './auth/dag-access';
import type { AuthSettings } from './auth/settings';
import { authRoutes } from './routes/auth';
import { userRoutes } from './routes/users';
import { auditRoutes } from './routes/audit';
import { noteRoutes } from './routes/notes';
import { historyRoutes } from './routes/history';
import { versionRoutes } from './routes/versions';
import { assetRoutes } from './routes/assets';

export interface ApiDeps {
  db: Db;
  engine: EngineResources;
  logger: Logger;
  /** Resolves true when Redis answers. */
  pingRedis: () => Promise<boolean>;
  /** Folder of the built web UI, served at / when present. */
  webDist?: string;
  /** Key connection credentials and variables are encrypted with (SLUICE_SECRET_KEY). */
  secretKey?: string;
  /** Host names the API answers to besides loopback (SLUICE_ALLOWED_HOSTS). */
  allowedHosts?: readonly string[];
  /** Other origins allowed to change things (SLUICE_ALLOWED_ORIGINS). */
  allowedOrigins?: readonly string[];
  /** Who may call: sign-in and tokens, or everyone as a local admin (loopback only). */
  auth: AuthSettings;
  /** Where ended tries' logs are read from first (SLUICE_REMOTE_LOGS). */
  remoteLogs?: RemoteLogStore;
}

export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.use(accessLog(deps.logger));
  app.use(checkTransport({ allowedHosts: deps.allowedHosts ?? [], allowedOrigins: deps.allowedOrigins ?? [] }));
  app.use('/api', express.json({ limit: '1mb' }), checkRequestText());

  const api = express.Router();
  api.use(authenticate(deps));
  api.use(authorize(routeDocs));
  api.use('/dags/:dagId', checkDagAccess(deps));
  api.get('/health', healthHandler(deps));
  // Built once: the routes do not change while the process runs.
  const openApi = buildOpenApi();
  api.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  api.use(authRoutes(deps));
  api.use(userRoutes(deps));
  api.use(auditRoutes(deps));
  api.use(dagRoutes(deps));
  api.use(runRoutes(deps));
  api.use(gridRoutes(deps));
  api.use(browseRoutes(deps));
  api.use(taskRoutes(deps));
  api.use(clearingRoutes(deps));
  api.use(backfillRoutes(deps));
  api.use(connectionRoutes(deps));
  api.use(variableRoutes(deps));
  api.use(poolRoutes(deps));
  api.use(dagBundleRoutes(deps));
  api.use(noteRoutes(deps));
  api.use(historyRoutes(deps));
  api.use(versionRoutes(deps));
  api.use(assetRoutes(deps));
  api.use((req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: `No API route ${req.method} ${req.originalUrl}` } });
  });
  app.use('/api/v1', api);
  app.use('/api', (req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: `No API route ${req.method} ${req.originalUrl}` } });
  });

  const dist = deps.webDist;
  if (dist && fs.existsSync(path.join(dist, 'index.html'))) {
    // Source maps would hand out the server's paths and sources; the built UI ships none.
    app.use((req, res, next) => (req.path.endsWith('.map') ? void res.status(404).end() : next()));
    app.use(express.static(dist, { index: false, maxAge: '1h' }));
    // The UI routes in the browser: every other GET gets its page.
    app.get(/^(?!\/api\/).*/, (_req, res) => res.sendFile(path.join(dist, 'index.html')));
  }
  app.use(errorHandler(deps.logger));
  return app;
}
