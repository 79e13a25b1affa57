import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

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
export function cacheHeaders(root: string) {
  const assets = join(root, 'assets') + sep;
  return (res: Response, path: string) => res.setHeader('Cache-Control', path.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/** A console route, e.g. /schedules: not a server path, not a file (a missing /assets/x.js stays a 404). */
export const isConsoleRoute = (path: string) => !isServerPath(path) && !/\.[A-Za-z0-9]+$/.test(path);

/** index.html for browser GETs of the console's routes: the console routes by path. */
export function spaFallback(root: string): RequestHandler {
  const index = join(root, 'index.html');
  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !isConsoleRoute(req.path) || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index, (error) => error && next(error));
  };
}

/** When the console was not built, `/` says how to build it instead of a bare 404. */
export function consoleMissing(root: string): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'GET' || !isConsoleRoute(req.path) || !req.accepts('html')) return next();
    res.status(503).type('text/plain').send(`The web console is not built (${root} is missing): run \`npm run build\`.\n`);
  };
}
