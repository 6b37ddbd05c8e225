/**
 * Reading and writing the stanzas of who-is-who: XEP-0084 avatar metadata and data, XEP-0153's hash
 * in presence, XEP-0054 vcard-temp (photo and profile), XEP-0292 vCard4 (profile) and XEP-0172
 * nicknames. Pure functions over elements; nothing here decides whom to believe (service.ts does).
 */
import xml, { type Element } from '@xmpp/xml';
import type { ProfileView } from '../../../../shared/contract';
import { NS_AVATAR_DATA, NS_AVATAR_METADATA, NS_NICK, NS_VCARD, NS_VCARD4, NS_VCARD_UPDATE } from '../../xmpp/ns';
import { mediaKey } from '../../media/store';
import { AVATAR_LIMITS } from '../../media/limits';
import { detach } from '../../util/text';

/** What an avatar metadata item announces: an avatar (its SHA-1, where its bytes are) or none. */
export type AvatarAnnounce = { hash: string; url: string | null } | { hash: null };

/** A nickname, a profile field: longer text is cut. */
export const PROFILE_TEXT_MAX = 1024;
/** The longest base64 text we decode: the avatar byte limit, in base64, with room for line breaks. */
const BASE64_MAX = Math.ceil((AVATAR_LIMITS.maxBytes * 4) / 3) + 64 * 1024;

/**
 * The avatar a metadata item (XEP-0084 §4.2) announces. An empty <metadata/> means the avatar was
 * removed. Of several <info/>, the one whose bytes are in the data node wins; one only at a URL is
 * used when its address is https: (anything else is refused). Null when nothing usable is there.
 */
export function readAvatarMetadata(item: Element): AvatarAnnounce | null {
  const metadata = item.getChild('metadata', NS_AVATAR_METADATA);
  if (!metadata) return null;
  const infos = metadata.getChildren('info');
  if (infos.length === 0) return { hash: null };
  let byUrl: AvatarAnnounce | null = null;
  for (const info of infos) {
    const id = typeof info.attrs.id === 'string' ? mediaKey('sha1', info.attrs.id) : null;
    if (!id) continue;
    const url = info.attrs.url;
    if (url === undefined) return { hash: id.hash, url: null };
    if (byUrl === null && typeof url === 'string' && isHttpsUrl(url)) byUrl = { hash: id.hash, url };
  }
  return byUrl;
}

function isHttpsUrl(text: string): boolean {
  if (text.length > 2048) return false;
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
}

/** Base64 text (line breaks allowed) as bytes, or null when it is not base64 or too long to be an avatar. */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length > BASE64_MAX) return null;
  const compact = text.replace(/[\r\n\t ]+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return null;
  return Buffer.from(compact, 'base64');
}

/** The bytes of the data item with id `hash` (XEP-0084 §4.1), or null. */
export function readAvatarData(items: Element[], hash: string): Uint8Array | null {
  const item = items.find((candidate) => candidate.attrs.id === hash);
  const data = item?.getChild('data', NS_AVATAR_DATA);
  return data ? decodeBase64(data.text()) : null;
}

/**
 * XEP-0153 §4.3 in a presence: undefined when it says nothing (no element, or no <photo/>: the
 * sender is not ready to tell), '' for no avatar, else the SHA-1 (lower case). A malformed hash
 * says nothing.
 */
export function readVcardUpdate(presence: Element): string | undefined {
  const update = presence.getChild('x', NS_VCARD_UPDATE);
  const photo = update?.getChild('photo');
  if (!photo) return undefined;
  return photoHash(photo.text());
}

/** 40 lower-case hex digits: a SHA-1 as clients announce it, usable as it is (no trim, case fold or regex). */
export function isLowerSha1Hex(text: string): boolean {
  if (text.length !== 40) return false;
  for (let i = 0; i < 40; i++) {
    const code = text.charCodeAt(i);
    if (!((code >= 48 && code <= 57) || (code >= 97 && code <= 102))) return false;
  }
  return true;
}

/** The hash of a <photo/>'s text as XEP-0153 reads it (see readVcardUpdate). */
export function photoHash(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  return mediaKey('sha1', trimmed)?.hash;
}

/** The bytes of a vCard's PHOTO (inline BINVAL), or null. */
export function readVcardPhoto(vcard: Element): Uint8Array | null {
  const binval = vcard.getChild('PHOTO')?.getChildText('BINVAL');
  return binval ? decodeBase64(binval) : null;
}

function capped(text: string | null | undefined): string | null {
  const trimmed = text?.trim();
  if (!trimmed) return null;
  return detach(trimmed.length > PROFILE_TEXT_MAX ? trimmed.slice(0, PROFILE_TEXT_MAX) : trimmed);
}

export const EMPTY_PROFILE: ProfileView = {
  fullName: null,
  nickname: null,
  organisation: null,
  email: null,
  url: null,
  note: null,
  birthday: null,
};

/** A vcard-temp (XEP-0054) as a profile. */
export function readVcardProfile(vcard: Element): ProfileView {
  return {
    fullName: capped(vcard.getChildText('FN')),
    nickname: capped(vcard.getChildText('NICKNAME')),
    organisation: capped(vcard.getChild('ORG')?.getChildText('ORGNAME')),
    email: capped(vcard.getChild('EMAIL')?.getChildText('USERID')),
    url: capped(vcard.getChildText('URL')),
    // Prosody's vCard4-backed vcard-temp (mod_vcard_legacy) gives vCard4's note back as NOTE.
    note: capped(vcard.getChildText('DESC') ?? vcard.getChildText('NOTE')),
    birthday: capped(vcard.getChildText('BDAY')),
  };
}

/** A vCard4 (XEP-0292) as a profile. */
export function readVcard4Profile(vcard: Element): ProfileView {
  const text = (name: string, inner = 'text') => capped(vcard.getChild(name, NS_VCARD4)?.getChildText(inner));
  return {
    fullName: text('fn'),
    nickname: text('nickname'),
    organisation: text('org'),
    email: text('email'),
    url: text('url', 'uri'),
    note: text('note'),
    birthday: text('bday', 'date'),
  };
}

/** Where a profile field lives in a vCard: an element, and the child holding its text (if any). */
interface ProfileField {
  key: keyof ProfileView;
  name: string;
  inner: string | null;
  /** Children a new element starts with (vcard-temp's EMAIL says it is an Internet address). */
  fresh?: string[];
  /** The text child goes before the element's other children (vcard-temp's ORGNAME, then ORGUNITs). */
  innerFirst?: boolean;
}

const VCARD_FIELDS: readonly ProfileField[] = [
  { key: 'fullName', name: 'FN', inner: null },
  { key: 'nickname', name: 'NICKNAME', inner: null },
  { key: 'organisation', name: 'ORG', inner: 'ORGNAME', innerFirst: true },
  { key: 'email', name: 'EMAIL', inner: 'USERID', fresh: ['INTERNET'] },
  { key: 'url', name: 'URL', inner: null },
  { key: 'note', name: 'DESC', inner: null },
  { key: 'birthday', name: 'BDAY', inner: null },
];

const VCARD4_FIELDS: readonly ProfileField[] = [
  { key: 'fullName', name: 'fn', inner: 'text' },
  { key: 'nickname', name: 'nickname', inner: 'text' },
  { key: 'organisation', name: 'org', inner: 'text' },
  { key: 'email', name: 'email', inner: 'text' },
  { key: 'url', name: 'url', inner: 'uri' },
  { key: 'note', name: 'note', inner: 'text' },
  { key: 'birthday', name: 'bday', inner: 'date' },
];

/**
 * Our vcard-temp with this profile. Everything else in the stored vCard stays as it was: the PHOTO,
 * and what other clients wrote that we do not edit (N, TEL, ADR, a second EMAIL, ORGUNIT...).
 */
export function vcardElement(profile: ProfileView, current: Element | null): Element {
  return withProfile(current ?? xml('vCard', { xmlns: NS_VCARD }), profile, VCARD_FIELDS);
}

/** Our vCard4 (XEP-0292) with this profile; the rest of the stored one stays, as for vcard-temp. */
export function vcard4Element(profile: ProfileView, current: Element | null): Element {
  return withProfile(current ?? xml('vcard', { xmlns: NS_VCARD4 }), profile, VCARD4_FIELDS);
}

/**
 * A copy of `current` where the first element of each field carries the profile's value (or is gone
 * when the value is empty), a field not there yet is added at the end, and every other child stays.
 */
function withProfile(current: Element, profile: ProfileView, fields: readonly ProfileField[]): Element {
  const vcard = xml(current.name, { xmlns: current.attrs.xmlns });
  const written = new Set<ProfileField>();
  for (const child of current.children) {
    if (typeof child === 'string') continue; // whitespace between fields
    const field = fields.find((candidate) => candidate.name === child.name && !written.has(candidate));
    if (!field) {
      vcard.append(child);
      continue;
    }
    written.add(field);
    const value = profile[field.key];
    if (value) vcard.append(fieldElement(field, value, child));
  }
  for (const field of fields) {
    const value = profile[field.key];
    if (!written.has(field) && value) vcard.append(fieldElement(field, value, null));
  }
  return vcard;
}

function fieldElement(field: ProfileField, value: string, stored: Element | null): Element {
  if (field.inner === null) return xml(field.name, {}, value);
  const text = xml(field.inner, {}, value);
  const others = stored
    ? stored.children.filter((child): child is Element => typeof child !== 'string' && child.name !== field.inner)
    : (field.fresh ?? []).map((name) => xml(name));
  return xml(field.name, stored?.attrs ?? {}, ...(field.innerFirst ? [text, ...others] : [...others, text]));
}

/** A vCard PHOTO element for bytes of type `mime`. */
export function vcardPhotoElement(mime: string, bytes: Uint8Array): Element {
  return xml('PHOTO', {}, xml('TYPE', {}, mime), xml('BINVAL', {}, Buffer.from(bytes).toString('base64')));
}

/** The metadata item we publish for our avatar (XEP-0084 §4.2). */
export function metadataElement(
  avatar: { hash: string; bytes: number; mime: string; width: number | null; height: number | null } | null,
): Element {
  if (!avatar) return xml('metadata', { xmlns: NS_AVATAR_METADATA });
  const attrs: Record<string, string> = { id: avatar.hash, bytes: String(avatar.bytes), type: avatar.mime };
  if (avatar.width !== null) attrs.width = String(avatar.width);
  if (avatar.height !== null) attrs.height = String(avatar.height);
  return xml('metadata', { xmlns: NS_AVATAR_METADATA }, xml('info', attrs));
}

export function dataElement(bytes: Uint8Array): Element {
  return xml('data', { xmlns: NS_AVATAR_DATA }, Buffer.from(bytes).toString('base64'));
}

/** XEP-0172 §4: a nick item, or in a subscription request. Null when empty. */
export function readNick(parent: Element): string | null {
  const nick = parent.getChild('nick', NS_NICK);
  return nick ? capped(nick.text()) : null;
}

export function nickElement(nick: string | null): Element {
  return xml('nick', { xmlns: NS_NICK }, nick ?? '');
}

/** Our presence's XEP-0153 element: '' when we have no avatar, null when we do not know yet. */
export function vcardUpdateElement(hash: string | null): Element {
  return xml('x', { xmlns: NS_VCARD_UPDATE }, hash === null ? null : xml('photo', {}, hash));
}
