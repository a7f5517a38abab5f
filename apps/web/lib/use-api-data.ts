'use client';

import { type Dispatch, type SetStateAction, useCallback, useEffect, useState } from 'react';
import type { z } from 'zod';
import { apiRequest } from './api';

export interface ApiData<T> {
  /** null until the first answer. */
  data: T | null;
  /** Set it locally (e.g. drop a deleted row) without a round trip. */
  setData: Dispatch<SetStateAction<T | null>>;
  /** The last load's failure in words, or null. */
  error: string | null;
  /** Loads again (a Retry button, a poll). */
  reload: (signal?: AbortSignal) => Promise<void>;
}

/**
 * GETs `path`, parsed by `schema`, when the component mounts and whenever `path` or `refreshKey`
 * changes; a load overtaken by the next one, or by unmounting, is aborted and never lands.
 */
export function useApiData<T>(path: string, schema: z.ZodType<T>, refreshKey: unknown, failure: string): ApiData<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(
    async (signal?: AbortSignal) => {
      try {
        setError(null);
        setData(await apiRequest(path, { schema, signal }));
      } catch (e) {
        if (signal?.aborted) return;
        setError(e instanceof Error ? e.message : failure);
      }
    },
    [path, schema, failure],
  );
  useEffect(() => {
    const controller = new AbortController();
    void reload(controller.signal);
    return () => controller.abort();
  }, [reload, refreshKey]);
  return { data, setData, error, reload };
}
