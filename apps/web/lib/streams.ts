import {
  destinationSchema,
  streamDetailSchema,
  streamSchema,
  streamStatusSchema,
  type Destination,
  type Stream,
  type StreamDetail,
  type StreamStatus,
} from '@fanout/contracts';
import { ApiRequestError, type ApiRequestOptions, type Schema } from './api';

type Request = <T>(path: string, options?: ApiRequestOptions<T>) => Promise<T>;

export function arrayOf<T>(item: Schema<T>): Schema<T[]> {
  return {
    safeParse(value) {
      if (!Array.isArray(value)) return { success: false, error: new Error('expected an array') };
      const out: T[] = [];
      for (const entry of value) {
        const r = item.safeParse(entry);
        if (!r.success) return r;
        out.push(r.data);
      }
      return { success: true, data: out };
    },
  };
}

export const streamsSchema = arrayOf(streamSchema);
export const destinationsSchema = arrayOf(destinationSchema);

/** The status of a stream, or null when the API cannot give one (older API, engine busy). */
export async function loadStatus(request: Request, id: string): Promise<StreamStatus | null> {
  try {
    return await request(`/api/streams/${encodeURIComponent(id)}/status`, { schema: streamStatusSchema });
  } catch (error) {
    if (error instanceof ApiRequestError) return null;
    throw error;
  }
}

export interface StreamListItem {
  stream: Stream;
  status: StreamStatus | null;
  /** Only fetched when there is no status (the status lists every destination already). */
  destinations: Destination[] | null;
}

export async function loadStreamList(request: Request): Promise<StreamListItem[]> {
  const streams = await request('/api/streams', { schema: streamsSchema });
  return Promise.all(
    streams.map(async (stream) => {
      const status = await loadStatus(request, stream.id);
      let destinations: Destination[] | null = null;
      if (!status) {
        destinations = await request(`/api/streams/${encodeURIComponent(stream.id)}/destinations`, { schema: destinationsSchema }).catch(() => null);
      }
      return { stream, status, destinations };
    }),
  );
}

export interface StreamPageData {
  stream: StreamDetail;
  destinations: Destination[];
  status: StreamStatus | null;
}

export async function loadStreamPage(request: Request, id: string): Promise<StreamPageData> {
  const path = `/api/streams/${encodeURIComponent(id)}`;
  const [stream, destinations, status] = await Promise.all([
    request(path, { schema: streamDetailSchema }),
    request(`${path}/destinations`, { schema: destinationsSchema }),
    loadStatus(request, id),
  ]);
  return { stream, destinations, status };
}
