/**
 * Reading XEP-0066 out-of-band data on a received message. A message shares a file (and is shown as
 * one) only when its body is exactly the address its <x xmlns='jabber:x:oob'><url/> names, as
 * Conversations, Dino and Gajim send uploads; an address of any other kind, or a body with more
 * words, stays text. `aesgcm:` addresses (XEP-0454, encrypted files) are kept as files too.
 */
import type { Element } from '@xmpp/xml';
import type { FileMetadataView } from '../../../../shared/contract';
import { NS_OOB } from '../../xmpp/ns';
import { readFileMetadata } from './file-metadata';

/** Schemes a shared file's address may have. */
const FILE_SCHEMES = new Set(['https:', 'aesgcm:']);

/** The body is exactly the stanza's jabber:x:oob address, and that address is one we can fetch. */
export function sharesFile(stanza: Element, body: string): boolean {
  const url = stanza.getChild('x', NS_OOB)?.getChildText('url')?.trim();
  if (!url || url !== body.trim()) return false;
  return isFileAddress(url);
}

/** Whether a received message shares a file, and (when it does) what it says about the file (XEP-0446). */
export function sharedFileOf(stanza: Element, body: string): { file: boolean; fileMeta: FileMetadataView | null } {
  const file = sharesFile(stanza, body);
  return { file, fileMeta: file ? readFileMetadata(stanza) : null };
}

/** An https: or aesgcm: address with a host and nothing that would end it early (spaces, controls). */
export function isFileAddress(text: string): boolean {
  if (/[\s\p{Cc}]/u.test(text)) return false;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return FILE_SCHEMES.has(url.protocol) && url.hostname !== '' && url.username === '' && url.password === '';
}
