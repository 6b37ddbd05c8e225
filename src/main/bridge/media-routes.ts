/**
 * The bridge's media routes, behind its token check (server.ts calls them only for requests that
 * carry the token): GET /media/<id> serves verified media from the core's store by opaque id, and
 * POST /stage?name=<file name> takes a file's bytes from our own page to stage them for upload.
 */
import { createReadStream } from 'node:fs';
import type http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { mediaIdOf, mediaReply, MEDIA_SECURITY_HEADERS, type MediaAccess } from '../core/media/serve';

const PLAIN = { ...MEDIA_SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };

export async function serveMedia(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  media: MediaAccess | undefined,
  idPath: string,
): Promise<void> {
  if (!media) {
    res.writeHead(404, PLAIN);
    res.end('Not found');
    return;
  }
  const range = typeof req.headers.range === 'string' ? req.headers.range : null;
  const reply = mediaReply(media, mediaIdOf(idPath) ?? '', req.method ?? 'GET', range);
  res.writeHead(reply.status, { ...reply.headers, 'X-Frame-Options': 'DENY' });
  if (!reply.body) {
    res.end();
    return;
  }
  await pipeline(createReadStream(reply.body.file, { start: reply.body.start, end: reply.body.end }), res);
}

export async function stageUpload(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  media: MediaAccess | undefined,
  url: URL,
  ownOrigin: string,
): Promise<void> {
  const json = (status: number, value: unknown) => {
    res.writeHead(status, { ...PLAIN, 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(value));
  };
  if (req.method !== 'POST') return json(405, { error: 'Method not allowed' });
  // Only our own page: fetch sends its Origin with every POST; a form from elsewhere sends theirs.
  if (req.headers.origin !== ownOrigin) return json(403, { error: 'Forbidden' });
  if (!media) return json(404, { error: 'Not found' });
  const answer = await media.stage(url.searchParams.get('name') ?? 'file', req);
  if (!answer.ok) {
    // The rest of the body is not wanted: close the connection instead of reading it.
    res.setHeader('Connection', 'close');
    return json(answer.status, { error: answer.message });
  }
  json(200, answer.staged);
}
