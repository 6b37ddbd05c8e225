/**
 * Whose shared files the app looks at by itself. Asking a file's server about it (its size, a
 * preview) tells that server, and so whoever sent the address, that the message was seen and from
 * where: by default that happens by itself only for what we sent and for contacts with a mutual
 * subscription (in rooms: occupants whose real JID is such a contact); everything else waits for a
 * click. The setting can make it everyone, or no one.
 */
import type { MessageView, Prefs } from '../../../../shared/contract';
import { bareJid } from '../../../../shared/jid';

export interface PreviewPeople {
  /** The contact's subscription is 'both'. */
  mutual(accountId: string, bare: string): boolean;
  /** An occupant's real JID, when the room shows it. */
  occupantJid(accountId: string, room: string, nick: string): string | null;
}

export function loadsByItself(message: MessageView, setting: Prefs['filePreviews'], people: PreviewPeople): boolean {
  if (setting === 'never') return false;
  if (setting === 'everyone' || message.direction === 'out') return true;
  const { accountId } = message;
  if (message.kind === 'chat') return people.mutual(accountId, message.conversation);
  const room = message.kind === 'pm' ? bareJid(message.conversation) : message.conversation;
  const nick = message.kind === 'pm' ? message.conversation.slice(room.length + 1) : message.from;
  const real = people.occupantJid(accountId, room, nick);
  return real !== null && people.mutual(accountId, bareJid(real));
}

const PREVIEW_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'mp4', 'webm', 'm4v']);

/** A picture or video by its claimed type or its name (a hint only: the core reads the bytes). */
export function mayPreview(name: string, type: string | null): boolean {
  if (type) return /^(image|video)\//i.test(type) && !/svg/i.test(type);
  const dot = name.lastIndexOf('.');
  return dot > 0 && PREVIEW_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

/** The name an address suggests, for showing before the server was asked (text only, never markup). */
export function nameOfAddress(address: string): string {
  let segment = '';
  try {
    segment = new URL(address).pathname.split('/').filter(Boolean).pop() ?? '';
    segment = decodeURIComponent(segment);
  } catch {
    // a broken escape or address: the raw segment or nothing
  }
  const name = segment.replace(/\p{Cc}/gu, '').slice(0, 200);
  return name || address.slice(0, 80);
}
