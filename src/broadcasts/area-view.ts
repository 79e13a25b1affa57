import type { AuthUser } from '../auth/auth-user.js';

/**
 * Which broadcasts an area sees: those of its subtree (prefix), and those of its ancestors, which
 * are emergencies covering it. A prefix of null sees everything (an admin without an area).
 */
export interface AreaView {
  prefix: string | null;
  ancestors: string[];
}

/** `/p/d/c/` → [`/p/`, `/p/d/`]: the areas strictly above. */
export function pathsAbove(path: string): string[] {
  const ids = path.split('/').filter(Boolean);
  return ids.slice(0, -1).map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}

/** The area and every area above it: whose broadcasts can reach its speakers. */
export const coveringPaths = (path: string): string[] => [...pathsAbove(path), path];

export const areaView = (path: string): AreaView => ({ prefix: path, ancestors: pathsAbove(path) });

export const userView = (user: Pick<AuthUser, 'areaPath'>): AreaView => (user.areaPath === null ? { prefix: null, ancestors: [] } : areaView(user.areaPath));

/** Whether a broadcast of the area at `broadcastPath` is visible in `view`. */
export function sees(view: AreaView, broadcastPath: string): boolean {
  return view.prefix === null || broadcastPath.startsWith(view.prefix) || view.ancestors.includes(broadcastPath);
}
