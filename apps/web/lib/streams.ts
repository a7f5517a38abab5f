import {
  destinationListSchema,
  streamListSchema,
  streamDetailSchema,
  streamStatusSchema,
  type Destination,
  type Stream,
  type StreamDetail,
  type StreamStatus,
} from '@fanout/contracts';
import { ApiRequestError, type ApiRequestOptions } from './api';
import { apiPaths } from './api-paths';

type Request = <T>(path: string, options?: ApiRequestOptions<T>) => Promise<T>;



/** The status of a stream, or null when the API cannot give one (older API, engine busy). */
export async function loadStatus(request: Request, id: string): Promise<StreamStatus | null> {
  try {
    return await request(apiPaths.streamStatus(id), { schema: streamStatusSchema });
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
  const streams = await request(apiPaths.streams(), { schema: streamListSchema });
  return Promise.all(
    streams.map(async (stream) => {
      const status = await loadStatus(request, stream.id);
      let destinations: Destination[] | null = null;
      if (!status) {
        destinations = await request(apiPaths.streamDestinations(stream.id), { schema: destinationListSchema }).catch(() => null);
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
  const [stream, destinations, status] = await Promise.all([
    request(apiPaths.stream(id), { schema: streamDetailSchema }),
    request(apiPaths.streamDestinations(id), { schema: destinationListSchema }),
    loadStatus(request, id),
  ]);
  return { stream, destinations, status };
}
