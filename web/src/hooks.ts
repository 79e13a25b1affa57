import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ok } from './api';

export interface Async<T> {
  data?: T;
  error?: Error;
  loading: boolean;
  reload(): Promise<void>;
}

/** Runs `load` when `deps` change; a stale answer never overwrites a newer one. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const generation = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await load();
      if (mine === generation.current) setState({ data, loading: false });
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ data: s.data, error: error as Error, loading: false }));
    }
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { ...state, reload };
}

/** Calls `tick` every `ms` while `active`. */
export function useInterval(tick: () => void, ms: number, active = true): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => latest.current(), ms);
    return () => clearInterval(timer);
  }, [ms, active]);
}

type PageCall<T> = Promise<{ data?: { items: T[]; total: number }; error?: unknown; response: Response }>;

/**
 * Every page of a list endpoint (500 at a time, the API's maximum):
 * `getAll((page) => api.GET('/api/v1/segments', { params: { query: page } }))`.
 */
export async function getAll<T>(load: (page: { limit: number; offset: number }) => PageCall<T>): Promise<T[]> {
  const items: T[] = [];
  for (;;) {
    const page = await ok(load({ limit: 500, offset: items.length }));
    items.push(...page.items);
    if (!page.items.length || items.length >= page.total) return items;
  }
}

export interface Action {
  busy: boolean;
  error: unknown;
  setError(error: unknown): void;
  /** Runs what a form or button does: busy meanwhile, the last error cleared, and what it throws kept as the error (through `describe`). */
  run(work: () => Promise<void>, describe?: (error: unknown) => unknown): Promise<void>;
}

/** The busy flag and error of a form or button, so each one reads only as what it does. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (work: () => Promise<void>, describe: (error: unknown) => unknown = (error) => error) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
