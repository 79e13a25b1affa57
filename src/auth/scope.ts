import { ForbiddenException, NotFoundException } from '@nestjs/common';
import type { AuthUser } from './auth-user.js';

/** True when `targetPath` lies in the caller's area subtree. */
export function inScope(user: Pick<AuthUser, 'areaPath'>, targetPath: string): boolean {
  return user.areaPath === null || targetPath.startsWith(user.areaPath);
}

/** Segments serve their uploader's whole subtree and are seen from above: ancestors and descendants. */
export function onBranch(user: Pick<AuthUser, 'areaPath'>, targetPath: string): boolean {
  return user.areaPath === null || targetPath.startsWith(user.areaPath) || user.areaPath.startsWith(targetPath);
}

/** `/p/d/c/` → [`/p/`, `/p/d/`]: the areas strictly above. */
export function pathsAbove(path: string): string[] {
  const ids = path.split('/').filter(Boolean);
  return ids.slice(0, -1).map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}

/** The area and every area above it: whose broadcasts can reach its speakers. */
export const coveringPaths = (path: string): string[] => [...pathsAbove(path), path];

/** `/p/d/c/` → [`/`, `/p/`, `/p/d/`, `/p/d/c/`]: the area and its ancestors, `/` standing for "everywhere" (the SQL side of onBranch). */
export const ancestorPaths = (areaPath: string): string[] => ['/', ...coveringPaths(areaPath)];

/** A path id or query filter outside the caller's area: 404, so nothing leaks about other areas. */
export function notFoundUnless(condition: boolean, what: string): void {
  if (!condition) throw new NotFoundException(`${what} not found`);
}

/** A request body that would create or change something outside the caller's area: 403. */
export function forbiddenUnless(condition: boolean, message: string): void {
  if (!condition) throw new ForbiddenException(message);
}
