import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** Paths the server answers itself; the console must never shadow them. */
export const SERVER_PATHS = ['/api', '/health', '/metrics', '/admin/queues'];

export const isServerPath = (path: string) => SERVER_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));

/**
 * The built console lives in dist/console of the project, whether the server runs from src/
 * (tests) or dist/src/ (production): found from the nearest package.json above this file.
 */
export function defaultConsoleDir(from = import.meta.dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return join(dir, 'dist', 'console');
}

/** Vite fingerprints everything under assets/: cache those for good, revalidate the rest. */
export function cacheControl(root: string, path: string): string {
  return path.startsWith(join(root, 'assets') + sep) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** A console route, e.g. /schedules: not a server path, not a file (a missing /assets/x.js stays a 404). */
export const isConsoleRoute = (path: string) => !isServerPath(path) && !/\.[A-Za-z0-9]+$/.test(path);

/** What a browser navigating to a page sends; API clients ask for JSON. */
export const acceptsHtml = (accept: string | undefined) => !accept || /text\/html|text\/\*|\*\/\*/.test(accept);

/**
 * Serves the console's files, and index.html for browser GETs of its routes (the console routes by
 * path). Everything else falls through to the server's 404. When the console was not built, its
 * routes say how to build it instead.
 */
export function consolePlugin(root: string, built: boolean): FastifyPluginAsync {
  return async (scope) => {
    if (built) {
      // wildcard: false registers a route per built file, leaving the catch-all below for the console's routes.
      await scope.register(fastifyStatic, { root, index: false, wildcard: false, setHeaders: (res, path) => res.header('Cache-Control', cacheControl(root, path)) });
    }
    scope.get('/*', (request: FastifyRequest, reply: FastifyReply) => {
      const path = request.url.split('?')[0];
      if (!isConsoleRoute(path) || !acceptsHtml(request.headers.accept)) return reply.callNotFound();
      if (!built) return reply.code(503).type('text/plain').send(`The web console is not built (${root} is missing): run \`npm run build\`.\n`);
      return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
    });
  };
}
