/**
 * JID helpers shared by main and renderer (RFC 7622, simplified: no full PRECIS).
 * @xmpp/jid does no length checks and parses 'a@b@c' as domain 'b@c', so we validate here.
 */

export interface ParsedJid {
  local: string;
  domain: string;
  resource: string;
}

const MAX_PART_BYTES = 1023;
// Characters RFC 7622 forbids in a localpart, plus whitespace and controls anywhere in local/domain.
const FORBIDDEN_LOCAL = /["&'/:<>@\s\p{Cc}]/u;
const FORBIDDEN_DOMAIN = /[@/\s\p{Cc}\\]/u;

/** Over 1023 bytes of UTF-8; counts bytes only when the length in characters leaves doubt (hot path). */
function tooLong(part: string): boolean {
  if (part.length * 3 <= MAX_PART_BYTES) return false;
  return part.length > MAX_PART_BYTES || new TextEncoder().encode(part).length > MAX_PART_BYTES;
}

/** Why an address is not a valid JID: a code the renderer words (lib/words/input.ts), never a sentence. */
export type JidProblem =
  | 'check.jidEmpty'
  | 'check.jidTwoAts'
  | 'check.jidNoLocal'
  | 'check.jidNoDomain'
  | 'check.jidLocalChar'
  | 'check.jidDomain'
  | 'check.jidTooLong'
  | 'check.jidNoResource'
  | 'check.accountJidNoAt'
  | 'check.accountJidNoLocal'
  | 'check.accountJidResource';

/** Parses and normalizes a JID; says why when it is invalid. */
export function parseJid(input: string): { jid: ParsedJid } | { error: JidProblem } {
  const text = input.trim();
  if (text === '') return { error: 'check.jidEmpty' };
  const slash = text.indexOf('/');
  const bare = slash === -1 ? text : text.slice(0, slash);
  const resource = slash === -1 ? '' : text.slice(slash + 1);
  const at = bare.indexOf('@');
  if (at !== bare.lastIndexOf('@')) return { error: 'check.jidTwoAts' };
  const local = at === -1 ? '' : bare.slice(0, at).normalize('NFC').toLowerCase();
  let domain = (at === -1 ? bare : bare.slice(at + 1)).normalize('NFC').toLowerCase();
  if (domain.endsWith('.')) domain = domain.slice(0, -1);
  if (at !== -1 && local === '') return { error: 'check.jidNoLocal' };
  if (domain === '') return { error: 'check.jidNoDomain' };
  if (FORBIDDEN_LOCAL.test(local)) return { error: 'check.jidLocalChar' };
  if (FORBIDDEN_DOMAIN.test(domain) || domain.startsWith('.') || domain.includes('..'))
    return { error: 'check.jidDomain' };
  if (tooLong(local) || tooLong(domain) || tooLong(resource)) return { error: 'check.jidTooLong' };
  if (slash !== -1 && resource === '') return { error: 'check.jidNoResource' };
  return { jid: { local, domain, resource } };
}

/**
 * Already-normalized ASCII bare JIDs (the vast majority on the wire): parseJid would return them
 * unchanged, so skip its NFC normalization and byte counting (a 10,000-item roster calls this 10,000 times).
 */
const PLAIN_BARE_JID = /^[a-z0-9._+=-]+@[a-z0-9-]+(\.[a-z0-9-]+)*$/;

/** The normalized bare JID, or null when `raw` is not a valid JID or carries a resource. */
export function normalizeBareJid(raw: string): string | null {
  if (raw.length <= 1023 && PLAIN_BARE_JID.test(raw)) return raw;
  const parsed = parseJid(raw);
  if ('error' in parsed || parsed.jid.resource !== '') return null;
  return formatJid(parsed.jid);
}

/** A resource this long in UTF-16 units is within 1023 bytes whatever its characters (3 bytes a unit at most). */
const RESOURCE_UNITS_SURELY_SHORT = 341;
const WHITESPACE = /\s/;

/**
 * A room's bare JID as the contract's `roomJidSchema` reads it (a local part, no resource), or null;
 * for the renderer, which reads it without loading zod.
 */
export function roomJidOf(input: string): string | null {
  if (input.length > 3071) return null;
  const parsed = parseJid(input);
  if ('error' in parsed || parsed.jid.resource !== '' || !parsed.jid.local) return null;
  return `${parsed.jid.local}@${parsed.jid.domain}`;
}

/** The normalized JID with its resource (if any), or null when invalid. */
export function normalizeJid(raw: string): string | null {
  // A plain bare JID and a resource that cannot be too long nor end in what trim() drops (parseJid
  // leaves the resource as it is otherwise): what parseJid would return, without its work (every
  // occupant's presence carries two such JIDs).
  const slash = raw.indexOf('/');
  if (
    slash > 0 &&
    slash <= 1023 &&
    slash < raw.length - 1 &&
    raw.length - slash - 1 <= RESOURCE_UNITS_SURELY_SHORT &&
    !WHITESPACE.test(raw[raw.length - 1]) &&
    PLAIN_BARE_JID.test(raw.slice(0, slash))
  )
    return raw;
  const parsed = parseJid(raw);
  return 'error' in parsed ? null : formatJid(parsed.jid);
}

/** Parses an account JID: must have a local part and no resource. Returns the normalized bare JID. */
export function parseAccountJid(input: string): { jid: string } | { error: JidProblem } {
  if (input.trim() !== '' && !input.includes('@')) return { error: 'check.accountJidNoAt' };
  const parsed = parseJid(input);
  if ('error' in parsed) return parsed;
  if (parsed.jid.local === '') return { error: 'check.accountJidNoLocal' };
  if (parsed.jid.resource !== '') return { error: 'check.accountJidResource' };
  return { jid: `${parsed.jid.local}@${parsed.jid.domain}` };
}

/**
 * The one way an address is written: the bare JID alone when there is no resource (a bare JID stays
 * bare, never "bare/", which is not a JID), else `bare/resource`. `bare` is an already valid bare
 * JID; the resource is any non-empty text (a client's resource, a room nick).
 */
export function jidOf(bare: string, resource?: string | null): string {
  return resource ? `${bare}/${resource}` : bare;
}

/** The address of parsed (normalized) parts, through jidOf. */
export function formatJid(jid: ParsedJid): string {
  return jidOf(jid.local ? `${jid.local}@${jid.domain}` : jid.domain, jid.resource);
}

export function bareJid(jid: string): string {
  const slash = jid.indexOf('/');
  return slash === -1 ? jid : jid.slice(0, slash);
}

export function domainOf(bare: string): string {
  const at = bare.indexOf('@');
  return at === -1 ? bare : bare.slice(at + 1);
}

export function localOf(bare: string): string {
  const at = bare.indexOf('@');
  return at === -1 ? '' : bare.slice(0, at);
}
