/**
 * Realistic workloads for the bench suite: the same shapes as the ASCII ones in replay-server.mjs
 * and presence-flood.ts, with data shaped like real rosters and real server output. Plain Node, no
 * dependencies (the replay server imports it; the benches import it through realistic-data.d.mts).
 * Seeded: every call returns the same bytes.
 *
 * What "realistic" means here:
 * - 10,000 contacts on eight domains; local parts mostly ASCII, 2 % in other scripts; names with
 *   diacritics, Cyrillic, Greek, CJK, Hangul, Arabic, Hebrew, Devanagari, Thai, emoji (ZWJ sequences
 *   and flags included), `&`, `'`, `<`, `"` in names (written as entities, as servers do); 5 % without
 *   a name; one to three groups each from a pool in the same scripts.
 * - Presence as servers relay it: `id` and `xml:lang` on many stanzas, caps (XEP-0115) from fifteen
 *   real-looking client builds, vcard-update (XEP-0153) with photo hashes, idle (XEP-0319), `<delay/>`
 *   on the login burst, OpenPGP-signed presence, nicknames, a vendor extension with nested children,
 *   status texts from one word to several hundred characters in every script with entities and
 *   emoji, a few pretty-printed stanzas, ~10 % unavailable.
 * - Room occupants and messages with the same variety (nicks are resources: entities and scripts in
 *   the `from` attribute), archive messages with chat states, markers, origin and stanza ids.
 *
 * Serialized as Prosody does: single-quoted attributes, the five entities escaped everywhere.
 */
import { createHash } from 'node:crypto';
import { prng } from '../tests/support/prng.mjs';

// Sizes: the benches' defaults, or the size knobs of the smoke run (bench/README.md).
export const CONTACTS = Number(process.env.BENCH_CONTACTS) || 10_000;
export const FLOOD_STANZAS = Number(process.env.BENCH_FLOOD) || 100_000;
export const OCCUPANTS = Number(process.env.BENCH_OCCUPANTS) || 5_000;
export const HISTORY = 500;
export const ARCHIVE_CONTACTS = 50;

export const DOMAINS = [
  'jabber.org',
  'conversations.im',
  'jabber.de',
  'xmpp.jp',
  'jabber.ru',
  'movim.eu',
  'disroot.org',
  'chat.example.com',
];

const NS_CAPS = 'http://jabber.org/protocol/caps';
const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';

const pick = (random, list) => list[Math.floor(random() * list.length)];

/** The five XML entities, as Prosody and ejabberd write them (attributes and text alike). */
export function escapeXml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]);
}

// ---------- names, groups, texts ----------

const GIVEN = [
  'Zoë', 'José', 'François', 'Åsa', 'Łukasz', 'Ştefan', 'Renée', 'Björn', 'Çağla', 'Jürgen', 'Øyvind', 'Dvořák',
  'Иван', 'Ольга', 'Дмитрий', 'Наталья', 'Юрий', 'Світлана', 'Γιώργος', 'Ελένη',
  '太郎', '花子', '李雷', '王芳', '민준', '서연', 'محمد', 'فاطمة', 'أحمد', 'דוד', 'שרה', 'प्रिया', 'राहुल', 'สมชาย',
  'Anna', 'Tom', 'Alice', 'Bob', 'Max', 'Lena', 'Paul', 'Mia',
]; // prettier-ignore
const FAMILY = [
  'Müller', 'Núñez', 'Żółć', 'Ångström', 'Smirnova', 'Петров', 'Смирнова', 'Коваленко', 'Παπαδόπουλος',
  '田中', '佐藤', '山田', '김', '이', 'علي', 'الحسن', 'כהן', 'לוי', 'शर्मा', 'O\'Brien', 'D\'Angelo', 'Smith', 'Nguyễn',
]; // prettier-ignore
const SPECIAL_NAMES = [
  'Tom & Jerry', 'AT&T Support', '<3 Anna', 'Bob "the builder"', 'R&D <team>', 'Mom\'s phone', 'Anna 🌸',
  '🎸 Max', 'Papa 👨‍👩‍👧', 'Oma 🇩🇪', 'Lisa ❤️', '😀😃😄', 'Ünïcödé Ŧęšţ', '🏳️‍🌈 Kim', 'Work <do not call>',
]; // prettier-ignore
const GROUPS = [
  'Friends', 'Family', 'Work', 'Familie', 'Kollegen & Freunde', 'Семья', 'Работа', 'Друзья', '同事', '家族', '友達',
  '친구', 'أصدقاء', 'العمل', 'משפחה', 'עבודה', 'Ελλάδα', 'परिवार', 'เพื่อน', 'R&D', 'Mom\'s side', '<Unsorted>',
  'Café ☕', '🎮 Gaming', 'Mùa hè', 'Université', 'Études', 'Sport & Spiel', '"Quoted"', 'Old school', 'Mailing',
  '日本語の勉強', 'Московский офис', 'Conférences', 'Écoles', 'Ølklubben', 'Ñoños', 'Straße 12', 'Clients > 2020',
  'Neighbours', 'Band 🎸', 'Climbing 🧗', 'Book club 📚', 'Kita & Schule', 'Wohnung', 'Projekt Ω', 'Αθήνα',
  'Київ', 'Tōkyō', 'São Paulo', 'Zürich', 'Kraków', 'İstanbul', 'Reykjavík', 'Αριστοτέλης', 'Νέα Υόρκη', 'Ἀθῆναι',
  'חברים', 'Koreans 🇰🇷', 'Ops & SRE',
]; // prettier-ignore
const STATUS_SHORT = [
  'Busy', 'Im Büro', 'На работе', '会議中', 'في اجتماع', 'בעבודה', 'Ταξίδι ✈️', 'Zzz…', 'Back at 3', 'En réunion',
  '🏖️ on vacation until 12.08.', 'Tom & Jerry\'s <place>', 'https://example.org/?a=1&b=2', 'dnd — deadline',
  'Не беспокоить', '食事中 🍜', '운동 중', 'مشغول', 'ausgeloggt', 'café ☕ & croissant 🥐', 'AFK', '"quoted"',
]; // prettier-ignore
const WORDS = [
  'the', 'quick', 'brown', 'fox', 'über', 'naïve', 'café', 'смотреть', 'работа', 'дом', '日本', 'の', '会議', '今日',
  'مرحبا', 'صديق', 'שלום', 'עולם', 'γεια', 'κόσμε', 'नमस्ते', 'सुबह', 'สวัสดี', '😀', '🎉', '&', '<3', '\'s', '"x"',
  'lorem', 'ipsum', 'dolor', 'sit', 'amet', 'Zürich', 'Łódź', 'ß', 'œuvre',
]; // prettier-ignore
const LOCAL_SYLLABLES = ['an', 'na', 'to', 'mi', 'ko', 'le', 'ra', 'jo', 'se', 'vi', 'ka', 'lu', 'de', 'ri', 'mo', 'xa']; // prettier-ignore
const LOCAL_OTHER = ['zoë', 'иван', 'ольга', '李雷', 'たろう', 'müller', 'josé', 'σοφία', 'דוד', 'محمد'];

function words(random, min, max) {
  const n = min + Math.floor(random() * (max - min + 1));
  const parts = [];
  for (let i = 0; i < n; i++) parts.push(pick(random, WORDS));
  return parts.join(' ');
}

/** A status text: mostly short, sometimes a sentence, now and then several hundred characters. */
function statusText(random) {
  const r = random();
  if (r < 0.55) return pick(random, STATUS_SHORT);
  if (r < 0.9) return words(random, 3, 14);
  if (r < 0.97) return words(random, 40, 90);
  return `${words(random, 2, 6)}\n${words(random, 2, 6)}`;
}

function contactName(random, i) {
  if (i % 20 === 7) return null; // 5 % without a name
  const r = random();
  if (r < 0.12) return pick(random, SPECIAL_NAMES);
  if (r < 0.25) return pick(random, GIVEN);
  return `${pick(random, GIVEN)} ${pick(random, FAMILY)}`;
}

function localPart(random, i) {
  if (i % 50 === 13) return `${pick(random, LOCAL_OTHER)}${i}`;
  const syllables = 2 + Math.floor(random() * 3);
  let local = '';
  for (let s = 0; s < syllables; s++) local += pick(random, LOCAL_SYLLABLES);
  const joiner = pick(random, ['', '.', '_', '-']);
  return `${local}${joiner}${i}`;
}

// ---------- roster ----------

/**
 * The 10,000 contacts (jid, name or null, 1–3 distinct groups, subscription, ask), in roster order.
 * JIDs are already in their normalized form (lower case, NFC), as servers store them.
 */
export function realisticContacts(count = CONTACTS) {
  const random = prng(20261121);
  const subscriptions = ['both', 'both', 'both', 'both', 'to', 'from', 'none'];
  const contacts = [];
  for (let i = 0; i < count; i++) {
    const groups = new Set();
    const groupCount = 1 + Math.floor(random() * 3);
    while (groups.size < groupCount) groups.add(pick(random, GROUPS));
    contacts.push({
      jid: `${localPart(random, i)}@${DOMAINS[i % DOMAINS.length]}`,
      name: contactName(random, i),
      groups: [...groups],
      subscription: subscriptions[Math.floor(random() * subscriptions.length)],
      ask: random() < 0.02,
    });
  }
  return contacts;
}

/** The roster result's <item/> elements for `contacts`. */
export function rosterXml(contacts) {
  const parts = [];
  for (const c of contacts) {
    const name = c.name === null ? '' : ` name='${escapeXml(c.name)}'`;
    const ask = c.ask ? " ask='subscribe'" : '';
    const groups = c.groups.map((g) => `<group>${escapeXml(g)}</group>`).join('');
    parts.push(`<item jid='${escapeXml(c.jid)}'${name} subscription='${c.subscription}'${ask}>${groups}</item>`);
  }
  return parts.join('');
}

/** What a client holds after the roster: one line per contact, sorted, hashed (sha-256, hex). */
export function rosterDigest(items) {
  const lines = items.map(
    (c) => `${c.jid}\t${c.name ?? ''}\t${c.subscription}\t${c.ask ? 1 : 0}\t${[...c.groups].sort().join('\u0001')}`,
  );
  lines.sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** The same for available resources: `bare/resource`, show, priority, status. */
export function presenceDigest(entries) {
  const lines = entries.map((e) => `${e.jid}/${e.resource}\t${e.show}\t${e.priority}\t${e.status ?? ''}`);
  lines.sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

// ---------- caps ----------

const CLIENTS = [
  ['Conversations', 'phone', 'http://conversations.im'], ['Gajim', 'pc', 'https://gajim.org'],
  ['Dino', 'pc', 'https://dino.im'], ['Monal', 'phone', 'https://monal-im.org'], ['Siskin IM', 'phone', 'https://siskin.im'],
  ['Psi+', 'pc', 'https://psi-plus.com'], ['Pidgin', 'pc', 'http://pidgin.im/'], ['Cheogram', 'phone', 'https://cheogram.com'],
  ['Movim', 'web', 'https://movim.eu/'], ['Profanity', 'console', 'http://profanity-im.github.io'], ['Kaidan', 'pc', 'https://kaidan.im'],
  ['Beagle IM', 'pc', 'https://beagle.im'], ['converse.js', 'web', 'https://conversejs.org'], ['Swift', 'pc', 'https://swift.im'],
  ['Jabberwock', 'pc', 'https://jabberwock.im'],
]; // prettier-ignore
const FEATURE_POOL = [
  'http://jabber.org/protocol/caps', 'http://jabber.org/protocol/disco#info', 'http://jabber.org/protocol/disco#items',
  'http://jabber.org/protocol/muc', 'http://jabber.org/protocol/chatstates', 'urn:xmpp:receipts', 'urn:xmpp:chat-markers:0',
  'http://jabber.org/protocol/nick+notify', 'urn:xmpp:avatar:metadata+notify', 'eu.siacs.conversations.axolotl.devicelist+notify',
  'urn:xmpp:ping', 'urn:xmpp:time', 'jabber:iq:version', 'urn:xmpp:message-correct:0', 'urn:xmpp:jingle:1',
  'urn:xmpp:jingle:apps:rtp:1', 'urn:xmpp:jingle:apps:file-transfer:5', 'urn:xmpp:bookmarks:1+notify', 'urn:xmpp:idle:1',
  'urn:xmpp:reactions:0', 'urn:xmpp:message-retract:1', 'urn:xmpp:sid:0', 'urn:xmpp:hints', 'jabber:x:conference',
  'http://jabber.org/protocol/mood+notify', 'http://jabber.org/protocol/tune+notify', 'urn:xmpp:omemo:2:devices+notify',
  'jabber:x:oob', 'urn:xmpp:jingle-message:0', 'urn:xmpp:spoiler:0', 'vcard-temp', 'urn:xmpp:carbons:2',
]; // prettier-ignore

/** XEP-0115 §5.1 for identities and features only (every string here is ASCII: code-unit order is octet order). */
function capsVer(identity, features) {
  const s = `client/${identity.type}//${identity.name}<${[...features].sort().join('<')}<`;
  return createHash('sha1').update(s, 'utf8').digest('base64');
}

/** Fifteen client builds: caps node, ver, and the disco#info <query/> a server relays for each ver. */
export function realisticClients() {
  const random = prng(115);
  return CLIENTS.map(([name, type, node]) => {
    const features = FEATURE_POOL.slice(0, 2).concat(FEATURE_POOL.slice(2).filter(() => random() < 0.6));
    const ver = capsVer({ type, name }, features);
    const query =
      `<query xmlns='${NS_DISCO_INFO}' node='${escapeXml(`${node}#${ver}`)}'>` +
      `<identity category='client' type='${type}' name='${escapeXml(name)}'/>` +
      features.map((f) => `<feature var='${escapeXml(f)}'/>`).join('') +
      '</query>';
    return { name, node, ver, query, resource: name.replace(/[^A-Za-z+.-]/g, '') };
  });
}

// ---------- presence ----------

const hex = (random, n) => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(random() * 16)];
  return s;
};
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const base64ish = (random, n) => {
  let s = '';
  for (let i = 0; i < n; i++) s += `${ALNUM}+/`[Math.floor(random() * 64)];
  return s;
};
const alnum = (random, n) => {
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[Math.floor(random() * 62)];
  return s;
};
const isoStamp = (seconds) => new Date(Date.UTC(2026, 10, 21, 6, 0, 0) + seconds * 1000).toISOString();

/**
 * The extensions of one available presence after show/status/priority, in the order clients put
 * them: caps, vcard-update, idle, the rare ones; `<delay/>` (added by the server) last.
 */
function presenceExtensions(random, client, delayed, k, domain) {
  let x = '';
  if (random() < 0.85) x += `<c xmlns='${NS_CAPS}' hash='sha-1' node='${escapeXml(client.node)}' ver='${client.ver}'/>`;
  const photo = random();
  if (photo < 0.55) x += `<x xmlns='vcard-temp:x:update'><photo>${hex(random, 40)}</photo></x>`;
  else if (photo < 0.65) x += "<x xmlns='vcard-temp:x:update'><photo/></x>";
  if (random() < 0.15) x += `<idle xmlns='urn:xmpp:idle:1' since='${isoStamp(k % 86_400)}'/>`;
  const rare = random();
  if (rare < 0.04) x += `<x xmlns='jabber:x:signed'>${base64ish(random, 560)}</x>`;
  else if (rare < 0.08) x += `<nick xmlns='http://jabber.org/protocol/nick'>${escapeXml(pick(random, GIVEN))}</nick>`;
  else if (rare < 0.11) {
    x +=
      `<vendor xmlns='urn:example:vendor:1' build='${k % 97}'><platform name='Android' version='14'/>` +
      `<battery level='${k % 100}'>${k % 2 ? 'charging' : 'discharging &amp; low'}</battery></vendor>`;
  } else if (rare < 0.13) x += "<x xmlns='jabber:x:avatar'><hash/></x>";
  if (delayed) x += `<delay xmlns='urn:xmpp:delay' from='${domain}' stamp='${isoStamp(k)}'/>`;
  return x;
}

/**
 * The presence flood for `contacts`: 100,000 stanzas addressed to `to`, every contact first (the
 * login burst, where the server adds <delay/> to a third), then at random; ~10 % unavailable. Returns
 * the text, the disco#info answers by ver, and the state it leaves: online contacts, available
 * resources and their digest (presenceDigest).
 */
export function realisticFlood(contacts, to, stanzas = FLOOD_STANZAS) {
  const random = prng(4712);
  const clients = realisticClients();
  const shows = ['', '', '', 'away', 'chat', 'dnd', 'xa'];
  const priorities = ['0', '0', '1', '5', '10', '24', '50', '127', '-1'];
  const resourceCount = contacts.map(() => 1 + Math.floor(random() * 4));
  const resourceNames = contacts.map((_, c) =>
    Array.from({ length: resourceCount[c] }, (_, r) => {
      const client = clients[(c + r * 7) % clients.length];
      return { client, resource: `${client.resource}.${alnum(random, 6)}` };
    }),
  );
  /** contact index → resource index → the state it announced */
  const available = new Map();
  const parts = [];
  let unavailable = 0;
  let delayed = 0;
  let withCaps = 0;
  for (let k = 0; k < stanzas; k++) {
    const c = k < contacts.length ? k : Math.floor(random() * contacts.length);
    const r = Math.floor(random() * resourceCount[c]);
    const { client, resource } = resourceNames[c][r];
    const jid = contacts[c].jid;
    const from = escapeXml(`${jid}/${resource}`);
    const id = random() < 0.6 ? ` id='${base64ish(random, 8)}'` : '';
    const lang = random() < 0.3 ? ` xml:lang='${pick(random, ['en', 'de', 'ru', 'ja', 'ar', 'fr'])}'` : '';
    let set = available.get(c);
    if (k >= contacts.length && random() < 0.1) {
      unavailable++;
      const status = random() < 0.3 ? `<status>${escapeXml(statusText(random))}</status>` : '';
      parts.push(
        status
          ? `<presence from='${from}' to='${to}' type='unavailable'${id}>${status}</presence>`
          : `<presence from='${from}' to='${to}' type='unavailable'${id}/>`,
      );
      set?.delete(r);
      if (set?.size === 0) available.delete(c);
      continue;
    }
    const show = pick(random, shows);
    const priority = pick(random, priorities);
    const status = random() < 0.6 ? statusText(random) : null;
    const isDelayed = k < contacts.length && random() < 0.33;
    if (isDelayed) delayed++;
    const extensions = presenceExtensions(random, client, isDelayed, k, jid.slice(jid.indexOf('@') + 1));
    if (extensions.includes(NS_CAPS)) withCaps++;
    const children =
      (show ? `<show>${show}</show>` : '') +
      (status !== null ? `<status>${escapeXml(status)}</status>` : '') +
      `<priority>${priority}</priority>` +
      extensions;
    // A few servers and clients pretty-print.
    const body = random() < 0.02 ? `\n  ${children.replace(/></g, '>\n  <')}\n` : children;
    parts.push(`<presence from='${from}' to='${to}'${id}${lang}>${body}</presence>`);
    if (!set) {
      set = new Map();
      available.set(c, set);
    }
    set.set(r, { show: show || 'available', priority: Number(priority), status });
  }
  const entries = [];
  for (const [c, set] of available) {
    for (const [r, state] of set)
      entries.push({ jid: contacts[c].jid, resource: resourceNames[c][r].resource, ...state });
  }
  const disco = {};
  for (const client of clients) disco[client.ver] = client.query;
  return {
    flood: parts.join(''),
    disco,
    expected: {
      onlineContacts: available.size,
      availableResources: entries.length,
      digest: presenceDigest(entries),
      unavailable,
      delayed,
      withCaps,
    },
  };
}

// ---------- group chat ----------

/** 5,000 distinct nicks in every script (entities and emoji included), deterministic. */
export function realisticNicks(count = OCCUPANTS) {
  const random = prng(5000);
  const nicks = [];
  const seen = new Set();
  for (let i = 0; nicks.length < count; i++) {
    const r = random();
    let nick;
    if (r < 0.1) nick = pick(random, SPECIAL_NAMES);
    else if (r < 0.5) nick = pick(random, GIVEN);
    else nick = `${pick(random, GIVEN)} ${pick(random, FAMILY)}`;
    if (seen.has(nick)) nick = `${nick} ${i}`;
    seen.add(nick);
    nicks.push(nick);
  }
  return nicks;
}

/** The occupants' presences of `room` to `to` (not ours), as a room sends them on join. */
export function realisticOccupantPresences(room, to, nicks = realisticNicks()) {
  const random = prng(5001);
  const clients = realisticClients();
  const shows = ['', '', '', 'away', 'dnd', 'xa', 'chat'];
  const parts = [];
  for (let i = 0; i < nicks.length; i++) {
    let affiliation = 'none';
    let role = 'participant';
    if (i < 3) [affiliation, role] = ['owner', 'moderator'];
    else if (i < 20) [affiliation, role] = ['admin', 'moderator'];
    else if (i % 3 === 0) affiliation = 'member';
    else if (i % 10 === 1) role = 'visitor';
    const show = pick(random, shows);
    const status = random() < 0.3 ? `<status>${escapeXml(statusText(random))}</status>` : '';
    const client = pick(random, clients);
    const caps =
      random() < 0.85
        ? `<c xmlns='${NS_CAPS}' hash='sha-1' node='${escapeXml(client.node)}' ver='${client.ver}'/>`
        : '';
    const photo = random() < 0.5 ? `<x xmlns='vcard-temp:x:update'><photo>${hex(random, 40)}</photo></x>` : '';
    const idle = random() < 0.1 ? `<idle xmlns='urn:xmpp:idle:1' since='${isoStamp(i)}'/>` : '';
    const jid =
      random() < 0.7 ? ` jid='${escapeXml(`${localPart(random, i)}@${DOMAINS[i % 8]}/${client.resource}`)}'` : '';
    parts.push(
      `<presence from='${escapeXml(`${room}/${nicks[i]}`)}' to='${to}' xml:lang='en'>` +
        (show ? `<show>${show}</show>` : '') +
        status +
        caps +
        photo +
        idle +
        `<occupant-id xmlns='urn:xmpp:occupant-id:0' id='${base64ish(random, 24)}'/>` +
        `<x xmlns='${NS_MUC_USER}'><item affiliation='${affiliation}' role='${role}'${jid}/></x></presence>`,
    );
  }
  return parts.join('');
}

/** Message k of a room's history (and archive, same id): body in any script, entities, emoji. */
export function realisticRoomMessage(room, k, nicks = realisticNicks()) {
  const random = prng(7000 + k);
  const nick = nicks[(k * 37) % nicks.length];
  const body = escapeXml(random() < 0.1 ? words(random, 30, 80) : words(random, 1, 14));
  return {
    id: `room-${String(k).padStart(5, '0')}`,
    nick,
    xml: (to, extra = '') =>
      `<message from='${escapeXml(`${room}/${nick}`)}' to='${to}' type='groupchat' id='rm${k}' xml:lang='en'>` +
      `<body>${body}</body><active xmlns='http://jabber.org/protocol/chatstates'/>` +
      `<occupant-id xmlns='urn:xmpp:occupant-id:0' id='${base64ish(random, 24)}'/>${extra}</message>`,
  };
}

// ---------- archive ----------

/** Message k of our own archive, as in replay-server.mjs, with realistic bodies and extensions. */
export function realisticArchiveMessage(k, own) {
  const random = prng(9000 + k);
  const contact = `${['zoë', 'ivan', 'tanaka', 'fatima', 'david'][k % 5]}.${k % ARCHIVE_CONTACTS}@${DOMAINS[k % 8]}`;
  const outgoing = k % 4 === 3;
  const from = outgoing ? `${own}/phone` : `${contact}/Conversations.a1B2`;
  const to = outgoing ? contact : own;
  const long = random() < 0.08;
  const body = escapeXml(long ? words(random, 40, 120) : words(random, 1, 16));
  const extras = [
    "<active xmlns='http://jabber.org/protocol/chatstates'/>",
    "<markable xmlns='urn:xmpp:chat-markers:0'/>",
    "<request xmlns='urn:xmpp:receipts'/>",
    `<origin-id xmlns='urn:xmpp:sid:0' id='${base64ish(random, 16)}'/>`,
    "<store xmlns='urn:xmpp:hints'/>",
  ].filter(() => random() < 0.6);
  return {
    id: `arch-${String(k).padStart(6, '0')}`,
    conversation: contact,
    outgoing,
    xml:
      `<message xmlns='jabber:client' from='${escapeXml(from)}' to='${escapeXml(to)}' type='chat' id='am${k}' xml:lang='en'>` +
      `<body>${body}</body>${extras.join('')}</message>`,
  };
}
