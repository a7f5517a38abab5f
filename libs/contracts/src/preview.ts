import { z } from 'zod';

/** `POST /api/streams/:id/preview-url`: a URL that plays the live preview without a cookie. */
export const previewUrlSchema = z.object({
  /** Same-origin path, e.g. `/api/preview/<signed token>`; never carries the stream key. */
  url: z.string(),
  /** Until when the URL can start playing; a connection started before then lives while access does. */
  expiresAt: z.string(),
});
export type PreviewUrl = z.infer<typeof previewUrlSchema>;
