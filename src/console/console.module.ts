import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ExpressAdapter } from '@nestjs/platform-express';
import { cacheHeaders, consoleMissing, defaultConsoleDir, spaFallback } from './console-static.js';

/**
 * The web console (web/, built by `npm run build` into dist/console) served at `/`.
 * Mounted on module init, i.e. after the API routes and before Nest's 404 handler, so the API,
 * /health, /metrics and /admin/queues always win.
 */
@Module({})
export class ConsoleModule implements OnModuleInit {
  private readonly logger = new Logger('Console');

  constructor(private readonly adapterHost: HttpAdapterHost<ExpressAdapter>) {}

  onModuleInit(): void {
    const http = this.adapterHost.httpAdapter;
    if (!http) return; // a worker-only process has no HTTP server
    const root = defaultConsoleDir();
    if (!existsSync(join(root, 'index.html'))) {
      this.logger.warn(`web console not built (${root} missing): run npm run build`);
      http.use(consoleMissing(root));
      return;
    }
    // The Express adapter's static file server (serve-static); index.html is left to the fallback.
    http.useStaticAssets(root, { index: false, setHeaders: cacheHeaders(root) });
    http.use(spaFallback(root));
  }
}
