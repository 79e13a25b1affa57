import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import { consolePlugin, defaultConsoleDir } from './console-static.js';

/**
 * The web console (web/, built by `npm run build` into dist/console) served at `/`. Its routes are
 * a catch-all, so the API, /health, /metrics and /admin/queues always win.
 */
@Module({})
export class ConsoleModule implements OnModuleInit {
  private readonly logger = new Logger('Console');

  constructor(private readonly adapterHost: HttpAdapterHost<FastifyAdapter>) {}

  async onModuleInit(): Promise<void> {
    const http = this.adapterHost.httpAdapter;
    if (!http) return; // a worker-only process has no HTTP server
    const root = defaultConsoleDir();
    const built = existsSync(join(root, 'index.html'));
    if (!built) this.logger.warn(`web console not built (${root} missing): run npm run build`);
    await http.getInstance().register(consolePlugin(root, built));
  }
}
