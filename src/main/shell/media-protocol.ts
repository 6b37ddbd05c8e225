/**
 * The app:// routes for media (plain Node; app-protocol.ts dispatches to them):
 * - app://media/<id>: a picture or video the core verified, served from its store by opaque id. Its
 *   own host, so media never shares the renderer's origin.
 * - app://jabberwock/stage (POST): the renderer hands over a file's bytes (drag and drop, paste) to be
 *   staged for upload; the answer is the staged file's id, name and size. Same origin as the page.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { mediaIdOf, mediaReply, MEDIA_SECURITY_HEADERS, type MediaAccess } from '../core/media/serve';

/** The media host of the app:// scheme. */
export const MEDIA_HOST = 'media';

const PLAIN_HEADERS = {
  ...MEDIA_SECURITY_HEADERS,
  'Content-Type': 'text/plain; charset=utf-8',
  'Cache-Control': 'no-store',
};

/** Answers a request for app://media/<id>. */
export function mediaResponse(media: MediaAccess | null, request: Request, url: URL): Response {
  if (!media) return new Response('Not found', { status: 404, headers: PLAIN_HEADERS });
  const reply = mediaReply(media, mediaIdOf(url.pathname) ?? '', request.method, request.headers.get('range'));
  if (!reply.body) return new Response(null, { status: reply.status, headers: reply.headers });
  const stream = createReadStream(reply.body.file, { start: reply.body.start, end: reply.body.end });
  const body = Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>;
  return new Response(body, { status: reply.status, headers: reply.headers });
}

/** Answers a POST to app://jabberwock/stage?name=<file name> whose body is the file. */
export async function stageResponse(
  media: MediaAccess | null,
  request: Request,
  url: URL,
  origin: string,
): Promise<Response> {
  const json = (status: number, value: unknown) =>
    new Response(JSON.stringify(value), {
      status,
      headers: { ...PLAIN_HEADERS, 'Content-Type': 'application/json; charset=utf-8' },
    });
  if (request.method !== 'POST') return json(405, { error: 'Method not allowed' });
  // Only our own page may hand over files (fetch sends its origin with every POST).
  const from = request.headers.get('origin');
  if (from !== null && from !== origin) return json(403, { error: 'Forbidden' });
  if (!media || !request.body) return json(400, { error: 'No file.' });
  const body = Readable.fromWeb(request.body as unknown as NodeReadableStream<Uint8Array>);
  const answer = await media.stage(url.searchParams.get('name') ?? 'file', body);
  return answer.ok ? json(200, answer.staged) : json(answer.status, { error: answer.message });
}
