/**
 * doap.xml (XEP-0453) stays true as features land:
 *
 * - it is well-formed XML (xmpp.js's parser, plus the checks that parser leaves out) and uses the
 *   DOAP, RDF and xmpp-doap namespaces;
 * - every xmpp:SupportedXep has one XEP address, a version and a status XEP-0453 knows; a partial one
 *   says what is missing; nothing is listed twice;
 * - every RFC and XEP claimed as complete or partial has its namespace (or code) in src/, so a claim
 *   without code fails; and code for a known specification without an entry fails too;
 * - a XEP that must be advertised in disco#info is complete only when we advertise it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import xml, { type Element } from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import { ownDiscoInfo } from '../../src/main/core/features/caps/own';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const NS_RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const NS_DOAP = 'http://usefulinc.com/ns/doap#';
const NS_XMPP = 'https://linkmauve.fr/ns/xmpp-doap#';
const NS_XML = 'http://www.w3.org/XML/1998/namespace';
const RDF_RESOURCE = `${NS_RDF}resource`;

/** XEP-0453 §Extensions: the statuses of a SupportedXep. */
const STATUSES = new Set(['complete', 'partial', 'planned', 'deprecated', 'removed', 'wontfix']);
/** Statuses that claim code in src/. */
const CLAIMS_CODE = new Set(['complete', 'partial']);

/**
 * What in src/ implements each specification: strings that must all occur in the code (comments
 * stripped). The first one is the specification's own namespace (or mark) when it has one; when it
 * occurs in the code, the specification must be listed in doap.xml.
 */
const XEP_CODE: Record<string, string[]> = {
  '0004': ['jabber:x:data'],
  '0012': ['jabber:iq:last'],
  '0030': ['http://jabber.org/protocol/disco#info', 'http://jabber.org/protocol/disco#items'],
  '0045': [
    'http://jabber.org/protocol/muc',
    'http://jabber.org/protocol/muc#user',
    'http://jabber.org/protocol/muc#admin',
    'http://jabber.org/protocol/muc#owner',
  ],
  '0048': ['storage:bookmarks'],
  '0049': ['jabber:iq:private'],
  '0050': ['http://jabber.org/protocol/commands', "'next', 'complete'"],
  '0059': ['http://jabber.org/protocol/rsm'],
  '0060': ['http://jabber.org/protocol/pubsub', 'http://jabber.org/protocol/pubsub#event'],
  '0066': ['jabber:x:oob'],
  '0077': ['jabber:iq:register', "xml('remove')"],
  '0085': ['http://jabber.org/protocol/chatstates'],
  '0092': ['jabber:iq:version'],
  '0115': ['http://jabber.org/protocol/caps'],
  '0122': ['http://jabber.org/protocol/xdata-validate', "'xs:dateTime'", 'list-range'],
  '0141': ['http://jabber.org/protocol/xdata-layout', 'fieldref', 'reportedref'],
  '0147': ['parseXmppUri', 'omemo-sid-'],
  '0158': ['urn:xmpp:media-element', 'urn:xmpp:bob'],
  '0163': ['http://jabber.org/protocol/pubsub#event', '+notify'],
  '0054': ['vcard-temp', 'BINVAL'],
  '0084': ['urn:xmpp:avatar:metadata', 'urn:xmpp:avatar:data'],
  '0153': ['vcard-temp:x:update'],
  '0172': ['http://jabber.org/protocol/nick'],
  '0292': ['urn:ietf:params:xml:ns:vcard-4.0'],
  '0184': ['urn:xmpp:receipts'],
  '0191': ['urn:xmpp:blocking'],
  '0198': ['urn:xmpp:sm:3'],
  '0199': ['urn:xmpp:ping'],
  '0202': ['urn:xmpp:time', 'tzo'],
  '0203': ['urn:xmpp:delay'],
  '0223': ['http://jabber.org/protocol/pubsub#publish-options', 'pubsub#access_model'],
  '0232': ['urn:xmpp:dataforms:softwareinfo'],
  '0237': ['urn:xmpp:features:rosterver'],
  '0245': ["'/me '"],
  '0249': ['jabber:x:conference'],
  '0280': ['urn:xmpp:carbons:2'],
  '0297': ['urn:xmpp:forward:0'],
  '0308': ['urn:xmpp:message-correct:0'],
  '0313': ['urn:xmpp:mam:2'],
  '0319': ['urn:xmpp:idle:1', 'idleSince'],
  '0333': ['urn:xmpp:chat-markers:0', 'markable', 'displayed'],
  '0334': ['urn:xmpp:hints', 'no-store'],
  '0359': ['urn:xmpp:sid:0', 'origin-id', 'stanza-id'],
  '0363': ['urn:xmpp:http:upload:0', 'max-file-size'],
  '0368': ['_xmpps-client._tcp', 'xmpp-client'],
  '0380': ['urn:xmpp:eme:0'],
  '0384': ['eu.siacs.conversations.axolotl', '.devicelist', '.bundles:', 'aes-128-gcm'],
  '0392': ['hsluvToRgb', 'identityColours'],
  '0393': ['parseStyling', 'strong', 'emphasis', 'strike'],
  '0398': ['urn:xmpp:pep-vcard-conversion:0', 'serverConvertsAvatars'],
  '0402': ['urn:xmpp:bookmarks:1'],
  '0410': ['selfPingOutcome', 'muc.selfPingRejoining'],
  '0421': ['urn:xmpp:occupant-id:0'],
  '0424': ['urn:xmpp:message-retract:1', 'urn:xmpp:message-retract:0'],
  '0425': ['urn:xmpp:message-moderate:1'],
  '0428': ['urn:xmpp:fallback:0'],
  '0446': ['urn:xmpp:file:metadata:0', 'media-type'],
  '0444': ['urn:xmpp:reactions:0'],
  '0461': ['urn:xmpp:reply:0'],
  '0490': ['urn:xmpp:mds:displayed:0', 'max_items'],
};

/** Specifications not implemented yet: when their namespace shows up in src/, doap.xml must list them. */
const XEP_WATCHED: Record<string, string> = {
  '0016': 'jabber:iq:privacy',
  '0033': 'http://jabber.org/protocol/address',
  '0080': 'http://jabber.org/protocol/geoloc',
  '0107': 'http://jabber.org/protocol/mood',
  '0166': 'urn:xmpp:jingle:1',
  '0224': 'urn:xmpp:attention:0',
  '0333': 'urn:xmpp:chat-markers:0',
  '0352': 'urn:xmpp:csi:0',
  '0353': 'urn:xmpp:jingle-message:0',
  '0357': 'urn:xmpp:push:0',
  '0369': 'urn:xmpp:mix:core:1',
  '0373': 'urn:xmpp:openpgp:0',
  '0382': 'urn:xmpp:spoiler:0',
  '0386': 'urn:xmpp:bind:0',
  '0388': 'urn:xmpp:sasl:2',
  '0393': 'urn:xmpp:styling:0',
  '0421': 'urn:xmpp:occupant-id:0',
  '0424': 'urn:xmpp:message-retract:1',
  '0428': 'urn:xmpp:fallback:0',
  '0444': 'urn:xmpp:reactions:0',
  '0461': 'urn:xmpp:reply:0',
  '0484': 'urn:xmpp:fast:0',
  '0490': 'urn:xmpp:mds:displayed:0',
};

const RFC_CODE: Record<string, string[]> = {
  '4616': ["'PLAIN'"],
  '5802': ['SCRAM-SHA-1'],
  '7677': ['SCRAM-SHA-256'],
  '6120': [
    'urn:ietf:params:xml:ns:xmpp-tls',
    'urn:ietf:params:xml:ns:xmpp-sasl',
    'urn:ietf:params:xml:ns:xmpp-bind',
    '_xmpp-client._tcp',
  ],
  '6121': ['jabber:iq:roster', "type: 'subscribe'"],
  '7590': ['urn:ietf:params:xml:ns:xmpp-tls', 'servername'],
  '7622': ['FORBIDDEN_LOCAL', "normalize('NFC')"],
};

const RFC_WATCHED: Record<string, string> = {
  '7395': 'urn:ietf:params:xml:ns:xmpp-framing',
  '9266': 'tls-exporter',
};

/** XEPs whose feature an implementation MUST advertise in disco#info (their §Discovering Support). */
const MUST_ADVERTISE: Record<string, string> = {
  '0030': 'http://jabber.org/protocol/disco#info',
  '0045': 'http://jabber.org/protocol/muc',
  '0085': 'http://jabber.org/protocol/chatstates',
  '0115': 'http://jabber.org/protocol/caps',
  '0184': 'urn:xmpp:receipts',
  '0199': 'urn:xmpp:ping',
  '0249': 'jabber:x:conference',
  '0308': 'urn:xmpp:message-correct:0',
  '0333': 'urn:xmpp:chat-markers:0',
  '0402': 'urn:xmpp:bookmarks:1+notify',
  '0424': 'urn:xmpp:message-retract:1',
  '0444': 'urn:xmpp:reactions:0',
  '0461': 'urn:xmpp:reply:0',
};

// ---------- parsing ----------

/**
 * What xmpp.js's (ltx) parser lets through: attribute syntax and duplicates, a bare "&", "--" in a
 * comment, anything but whitespace after the root, DOCTYPE and CDATA (doap.xml needs neither).
 */
function lexicalProblems(text: string): string[] {
  const problems: string[] = [];
  const body = text.replace(/^\uFEFF?<\?xml[^>]*\?>/, '').replace(/<!--([\s\S]*?)-->/g, (_, comment: string) => {
    if (comment.includes('--') || comment.endsWith('-')) problems.push('"--" inside a comment');
    return '';
  });
  const name = '[A-Za-z_][\\w.-]*(?::[A-Za-z_][\\w.-]*)?';
  const startTag = new RegExp(`^<(${name})((?:\\s+${name}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*/?>$`);
  const endTag = new RegExp(`^</${name}\\s*>$`);
  for (const [tag] of body.matchAll(/<[^>]*>?/g)) {
    if (tag.startsWith('</')) {
      if (!endTag.test(tag)) problems.push(`malformed end tag ${tag}`);
      continue;
    }
    const match = startTag.exec(tag);
    if (!match) {
      problems.push(`malformed tag ${tag} (a ">" in an attribute value counts as one)`);
      continue;
    }
    const names = [...match[2].matchAll(new RegExp(`(${name})\\s*=`, 'g'))].map((m) => m[1]);
    if (new Set(names).size !== names.length) problems.push(`an attribute twice in ${tag}`);
  }
  if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(body)) problems.push('a bare "&"');
  if (!/^\s*<[\s\S]*>\s*$/.test(body)) problems.push('text before or after the root element');
  return problems;
}

/** Parses a whole document with xmpp.js's parser; throws on anything that is not well-formed. */
function parseDocument(text: string): Element {
  const problems = lexicalProblems(text);
  if (problems.length > 0) throw new Error(`not well-formed: ${problems.join('; ')}`);
  const parser = new xml.Parser();
  let root: Element | null = null;
  let ended = false;
  let error: Error | null = null;
  parser.on('start', (element: Element) => (root = element));
  parser.on('element', (element: Element) => {
    if (ended) error ??= new Error('not well-formed: a second root element');
    else root!.append(element);
  });
  parser.on('end', () => (ended = true));
  parser.on('error', (e: Error) => (error ??= e));
  parser.write(text);
  parser.end();
  if (error) throw error;
  if (!root || !ended) throw new Error('not well-formed: the root element is not closed');
  return root;
}

/** An element with its namespace resolved (prefixes as declared in the document). */
interface Node {
  ns: string;
  local: string;
  /** By `${namespace}${local name}`; unprefixed attributes by their local name. */
  attrs: Map<string, string>;
  children: Node[];
  text: string;
}

function resolve(element: Element, inherited: ReadonlyMap<string, string> = new Map([['xml', NS_XML]])): Node {
  const scope = new Map(inherited);
  for (const [key, value] of Object.entries(element.attrs)) {
    if (key === 'xmlns') scope.set('', value);
    else if (key.startsWith('xmlns:')) scope.set(key.slice(6), value);
  }
  const split = (qname: string, useDefault: boolean): [string, string] => {
    const colon = qname.indexOf(':');
    const prefix = colon === -1 ? '' : qname.slice(0, colon);
    if (colon === -1 && !useDefault) return ['', qname];
    const ns = scope.get(prefix);
    if (ns === undefined) throw new Error(`unbound prefix in ${qname}`);
    return [ns, qname.slice(colon + 1)];
  };
  const [ns, local] = split(element.name, true);
  const attrs = new Map<string, string>();
  for (const [key, value] of Object.entries(element.attrs)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
    const [attrNs, attrLocal] = split(key, false);
    attrs.set(`${attrNs}${attrLocal}`, value);
  }
  const children = element.getChildElements().map((child) => resolve(child, scope));
  return { ns, local, attrs, children, text: element.text() };
}

const childrenOf = (node: Node, ns: string, local: string) =>
  node.children.filter((c) => c.ns === ns && c.local === local);

// ---------- the code ----------

/** Every .ts and .vue file under src/ (declarations excepted), comments stripped, as one text. */
function sourceText(): string {
  const parts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|vue)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        parts.push(
          readFileSync(full, 'utf8')
            .replace(/\/\*[\s\S]*?\*\//g, '')
            .replace(/^\s*\/\/.*$/gm, '')
            .replace(/<!--[\s\S]*?-->/g, ''),
        );
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  return parts.join('\n');
}

/** A namespace as a whole token (not the start of a longer one: 'vcard-temp' is not in 'vcard-temp:x:update'). */
function usesNamespace(source: string, namespace: string): boolean {
  const escaped = namespace.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${escaped}(?![\\w:#/.-])`).test(source);
}

/** The parts of doap.xml the tests look at. */
function readDoap(text: string) {
  const root = resolve(parseDocument(text));
  const projects = childrenOf(root, NS_DOAP, 'Project');
  const project = projects[0];
  const implementsNodes = project ? childrenOf(project, NS_DOAP, 'implements') : [];
  const rfcs = implementsNodes.flatMap((node) => node.attrs.get(RDF_RESOURCE) ?? []);
  const xeps = implementsNodes.flatMap((node) => childrenOf(node, NS_XMPP, 'SupportedXep'));
  const entries = xeps.map((node) => {
    const one = (local: string) => {
      const found = childrenOf(node, NS_XMPP, local);
      return found.length === 1 ? found[0] : null;
    };
    const resource = one('xep')?.attrs.get(RDF_RESOURCE) ?? '';
    return {
      resource,
      number: /^https:\/\/xmpp\.org\/extensions\/xep-(\d{4})\.html$/.exec(resource)?.[1] ?? null,
      status: one('status')?.text.trim() ?? null,
      version: one('version')?.text.trim() ?? null,
      note: childrenOf(node, NS_XMPP, 'note')
        .map((n) => n.text.trim())
        .join(' '),
    };
  });
  return {
    root,
    projects,
    project,
    entries,
    /** Listed XEPs by number. */
    listed: new Map(entries.filter((e) => e.number !== null).map((e) => [e.number!, e])),
    /** RFC numbers (or the whole address when it is not an RFC Editor one). */
    rfcNumbers: rfcs.map((r) => /^https:\/\/www\.rfc-editor\.org\/info\/rfc(\d+)$/.exec(r)?.[1] ?? r),
  };
}

// ---------- the tests ----------

describe('the well-formedness check', () => {
  it('accepts a declaration, comments and escaped text', () => {
    const root = parseDocument(`<?xml version="1.0"?>\n<!-- c --><a xmlns='x' b="1 &amp; 2"><c>d &lt; e</c><f/></a>\n`);
    expect(root.getChildText('c')).toBe('d < e');
    expect(root.attrs.b).toBe('1 & 2');
  });

  it.each([
    // An element opened where one was to be closed (a mistake that shipped in a public doap file).
    ['<a><v>0.2.0<v></a>'],
    ['<a><b></c></b></a>'],
    ['<a><b/>'],
    ['<a>x & y</a>'],
    ['<a>&nbsp;</a>'],
    ['<a x="1" x="2"/>'],
    ['<a x=1/>'],
    ['<a x="<"/>'],
    ['<a/><b/>'],
    ['<a/>trailing'],
    ['leading<a/>'],
    ['<a><!-- a -- b --></a>'],
    ['<a><![CDATA[x]]></a>'],
  ])('rejects %s', (text) => {
    expect(() => parseDocument(text)).toThrow();
  });
});

describe('doap.xml', () => {
  const text = readFileSync(path.join(ROOT, 'doap.xml'), 'utf8');
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    license: string;
    homepage: string;
  };
  let read: ReturnType<typeof readDoap> | undefined;
  /** The document, read once (a test that needs it fails when it is not well-formed). */
  const doap = () => (read ??= readDoap(text));

  const source = sourceText();

  it('is well-formed XML', () => {
    expect(() => parseDocument(text)).not.toThrow();
  });

  it('is an RDF document with one DOAP project in the usual namespaces', () => {
    const { root, projects, entries } = doap();
    expect([root.ns, root.local], `rdf:RDF in ${NS_RDF}`).toEqual([NS_RDF, 'RDF']);
    expect(projects, `one Project in ${NS_DOAP}`).toHaveLength(1);
    expect(entries.length, `xmpp:SupportedXep in ${NS_XMPP}`).toBeGreaterThan(0);
  });

  it('describes Jabberwock as package.json does', () => {
    const { project } = doap();
    const texts = (local: string) => childrenOf(project, NS_DOAP, local).map((n) => n.text.trim());
    expect(texts('name')).toEqual(['Jabberwock']);
    expect(texts('shortdesc')).toHaveLength(1);
    expect(texts('shortdesc')[0]).not.toBe('');
    expect(texts('programming-language')).toEqual(['TypeScript']);
    expect(new Set(texts('os'))).toEqual(new Set(['Linux', 'Windows', 'macOS']));
    const resources = (local: string) => childrenOf(project, NS_DOAP, local).map((n) => n.attrs.get(RDF_RESOURCE));
    expect(resources('license')).toEqual([`https://spdx.org/licenses/${pkg.license}`]);
    expect(resources('homepage')).toEqual([pkg.homepage]);
    expect(resources('category')).toContain(`${NS_XMPP}category-client`);
  });

  it('gives every XEP one address, a version and a status, and says what a partial one lacks', () => {
    const { entries } = doap();
    for (const entry of entries) {
      const where = entry.resource || '(a SupportedXep without xmpp:xep)';
      expect(entry.number, `${where}: https://xmpp.org/extensions/xep-NNNN.html`).not.toBeNull();
      expect(entry.version, `${where}: one xmpp:version`).toMatch(/^\d+(\.\d+){0,2}$/);
      expect(STATUSES.has(entry.status ?? ''), `${where}: status ${entry.status}`).toBe(true);
      if (entry.status === 'partial') expect(entry.note, `${where}: a partial XEP says what is missing`).not.toBe('');
    }
  });

  it('lists nothing twice, in order', () => {
    const { entries, rfcNumbers } = doap();
    const numbers = entries.map((e) => e.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers).toEqual([...numbers].sort());
    expect(new Set(rfcNumbers).size).toBe(rfcNumbers.length);
    for (const r of rfcNumbers) expect(r, 'RFCs as https://www.rfc-editor.org/info/rfcNNNN').toMatch(/^\d+$/);
  });

  it('claims no XEP without the code that implements it', () => {
    const { entries } = doap();
    for (const entry of entries) {
      if (!CLAIMS_CODE.has(entry.status ?? '')) continue;
      const code = XEP_CODE[entry.number!];
      expect(code, `XEP-${entry.number} is listed: add what implements it to XEP_CODE`).toBeDefined();
      for (const needle of code) expect(source.includes(needle), `XEP-${entry.number}: ${needle} in src/`).toBe(true);
    }
  });

  it('claims no RFC without the code that implements it', () => {
    const { rfcNumbers } = doap();
    for (const number of rfcNumbers) {
      const code = RFC_CODE[number];
      expect(code, `RFC ${number} is listed: add what implements it to RFC_CODE`).toBeDefined();
      for (const needle of code) expect(source.includes(needle), `RFC ${number}: ${needle} in src/`).toBe(true);
    }
  });

  it('lists every known specification whose namespace is in the code', () => {
    const { listed, rfcNumbers } = doap();
    const xepMarks = [
      ...Object.entries(XEP_CODE).map(([n, code]) => [n, code[0]] as const),
      ...Object.entries(XEP_WATCHED),
    ];
    for (const [number, mark] of xepMarks) {
      if (!usesNamespace(source, mark)) continue;
      const entry = listed.get(number);
      expect(entry, `${mark} is in src/: list XEP-${number} in doap.xml`).toBeDefined();
      expect(CLAIMS_CODE.has(entry!.status!), `${mark} is in src/: XEP-${number} is ${entry!.status}`).toBe(true);
    }
    for (const [number, mark] of Object.entries(RFC_WATCHED)) {
      if (usesNamespace(source, mark)) expect(rfcNumbers, `${mark} is in src/: list RFC ${number}`).toContain(number);
    }
  });

  it('marks a XEP complete only when we advertise what it requires in disco#info', () => {
    const { listed } = doap();
    const advertised = new Set(ownDiscoInfo().features);
    for (const [number, feature] of Object.entries(MUST_ADVERTISE)) {
      const entry = listed.get(number);
      if (!entry || !CLAIMS_CODE.has(entry.status!) || advertised.has(feature)) continue;
      expect(entry.status, `XEP-${number}: ${feature} is not advertised`).toBe('partial');
      expect(entry.note, `XEP-${number}: the note says ${feature} is not advertised`).toMatch(/disco#info/);
    }
  });
});
