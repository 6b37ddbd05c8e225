/**
 * The content type an upload declares (XEP-0363 `content-type`; servers serve the file with it).
 * Pictures and videos are named by their bytes; a few common kinds by their extension; everything
 * else is application/octet-stream, so a server never serves an upload as a page it renders.
 */
import { promises as fs } from 'node:fs';
import { SNIFF_BYTES, sniffMedia } from '../../media/sniff';

const BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  wav: 'audio/wav',
  zip: 'application/zip',
};

export async function uploadContentType(file: string, name: string): Promise<string> {
  try {
    const handle = await fs.open(file, 'r');
    try {
      const head = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      const sniffed = sniffMedia(head.subarray(0, bytesRead));
      if (sniffed) return sniffed.mime;
    } finally {
      await handle.close();
    }
  } catch {
    // unreadable now: the upload itself will say so
  }
  const extension = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  return BY_EXTENSION[extension] ?? 'application/octet-stream';
}
