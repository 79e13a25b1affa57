import type { AuthUser } from '../auth/auth-user.js';
import { pathsAbove } from '../auth/scope.js';

/**
 * Which broadcasts an area sees: those of its subtree (prefix), and those of its ancestors, which
 * are emergencies covering it. A prefix of null sees everything (an admin without an area).
 */
export interface AreaView {
  prefix: string | null;
  ancestors: string[];
}

export const areaView = (path: string): AreaView => ({ prefix: path, ancestors: pathsAbove(path) });

export const userView = (user: Pick<AuthUser, 'areaPath'>): AreaView => (user.areaPath === null ? { prefix: null, ancestors: [] } : areaView(user.areaPath));

/** Whether a broadcast of the area at `broadcastPath` is visible in `view`. */
export function sees(view: AreaView, broadcastPath: string): boolean {
  return view.prefix === null || broadcastPath.startsWith(view.prefix) || view.ancestors.includes(broadcastPath);
}
