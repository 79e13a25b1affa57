import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Area, SessionUser } from './types';

/** The signed-in user and the areas they can see, loaded once per session. */
export interface Workspace {
  user: SessionUser;
  areas: Area[];
  /** Reads the areas again (after an import). */
  reloadAreas(): Promise<void>;
}

export const WorkspaceContext = createContext<Workspace | null>(null);

export function useWorkspace() {
  const workspace = useContext(WorkspaceContext);
  if (!workspace) throw new Error('useWorkspace outside the signed-in console');
  const byId = new Map(workspace.areas.map((area) => [area.id, area]));
  const communes = workspace.areas.filter((area) => area.kind === 'commune');
  return {
    ...workspace,
    communes,
    areaName: (id: string | null | undefined) => (id ? (byId.get(id)?.name ?? id.slice(0, 8)) : '—'),
    /** The area and everything below it. */
    subtree(id: string): Set<string> {
      const ids = new Set([id]);
      for (let grew = true; grew; ) {
        grew = false;
        for (const area of workspace.areas) if (area.parentId && ids.has(area.parentId) && !ids.has(area.id)) (ids.add(area.id), (grew = true));
      }
      return ids;
    },
  };
}
