/**
 * XEP-0446 file metadata beside a shared file's address: its name, size and media type, so that a
 * file can be described without asking its server (a stranger's server learns nothing until the
 * user clicks). Read from `<file xmlns='urn:xmpp:file:metadata:0'>` as a child of the message or of
 * an XEP-0447 `<file-sharing>`; every field is bounded and checked, and one that is not right is
 * left out (a claim only: downloads are still bounded by what the server sends). Sent with our own
 * uploads as a child of the message, beside jabber:x:oob.
 */
import xml, { type Element } from '@xmpp/xml';
import type { FileMetadataView } from '../../../../shared/contract';
import { sanitizeFileName } from '../../media/file-names';
import { NS_FILE_METADATA, NS_SFS } from '../../xmpp/ns';

/** Longest text read from one field (a name, a type, a number). */
const FIELD_MAX = 1024;
/** A MIME type: type/subtype of token characters (RFC 6838 limits each to 127), parameters not taken. */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
/** Sizes up to what a JavaScript number holds exactly. */
const SIZE = /^\d{1,15}$/;

/** The metadata of the file a message shares, or null when it carries none worth keeping. */
export function readFileMetadata(stanza: Element): FileMetadataView | null {
  const file =
    stanza.getChild('file', NS_FILE_METADATA) ??
    stanza.getChild('file-sharing', NS_SFS)?.getChild('file', NS_FILE_METADATA);
  if (!file) return null;
  const text = (name: string): string | null => {
    const value = file.getChild(name)?.text();
    return value === undefined || value.length > FIELD_MAX ? null : value.trim();
  };
  const rawName = text('name');
  const name = rawName ? sanitizeFileName(rawName, '') || null : null;
  const rawSize = text('size');
  const size = rawSize !== null && SIZE.test(rawSize) ? Number(rawSize) : null;
  const rawType = text('media-type')?.toLowerCase() ?? null;
  const type = rawType !== null && MEDIA_TYPE.test(rawType) ? rawType : null;
  if (name === null && size === null && type === null) return null;
  return { name, size, type };
}

/** The element sent with our own upload. */
export function fileMetadataElement(meta: FileMetadataView): Element {
  return xml(
    'file',
    { xmlns: NS_FILE_METADATA },
    meta.type !== null ? xml('media-type', {}, meta.type) : null,
    meta.name !== null ? xml('name', {}, meta.name) : null,
    meta.size !== null ? xml('size', {}, String(meta.size)) : null,
  );
}
