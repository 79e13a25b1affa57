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

/** `/p/d/c/` → [`/`, `/p/`, `/p/d/`, `/p/d/c/`]: the area and its ancestors, `/` standing for "everywhere" (the SQL side of onBranch). */
export function ancestorPaths(areaPath: string): string[] {
  const ids = areaPath.split('/').filter(Boolean);
  return ['/', ...ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`)];
}

/** A path id or query filter outside the caller's area: 404, so nothing leaks about other areas. */
export function notFoundUnless(condition: boolean, what: string): void {
  if (!condition) throw new NotFoundException(`${what} not found`);
}

/** A request body that would create or change something outside the caller's area: 403. */
export function forbiddenUnless(condition: boolean, message: string): void {
  if (!condition) throw new ForbiddenException(message);
}
