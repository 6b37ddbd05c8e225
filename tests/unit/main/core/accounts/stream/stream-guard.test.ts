/**
 * The stream guard fed bytes directly: every construct RFC 6120 §11 refuses, the legal look-alikes it
 * must let through unchanged, the size and depth limits, and the same verdict however the stream is
 * cut into chunks (at every byte, inside UTF-8 sequences, tags, references and keywords).
 */
import { describe, expect, it } from 'vitest';
import { StreamGuard, type StreamLimits } from '../../../../../../src/main/core/accounts/stream/stream-guard';
import { classifyError } from '../../../../../../src/main/core/accounts/session-errors';
import { connectionErrorText } from '../../../../../../src/renderer/src/lib/words/connection';

const HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' " +
  "from='localhost' id='s1' version='1.0' xml:lang='en'>";
const NS_ROSTER = 'jabber:iq:roster';

type Input = string | Buffer;
const bytes = (input: Input) => (typeof input === 'string' ? Buffer.from(input, 'utf8') : input);

interface Outcome {
  /** "condition/construct", or "ok". */
  verdict: string;
  detail?: number;
  /** Everything the guard passed on to the parser. */
  text: string;
}

/** Feeds `chunks` to a new guard. */
function feed(chunks: Input[], limits?: Partial<StreamLimits>): Outcome {
  const guard = new StreamGuard(limits);
  let text = '';
  for (const chunk of chunks) text += guard.read(bytes(chunk));
  const v = guard.violation;
  return { verdict: v ? `${v.condition}/${v.construct}` : 'ok', detail: v?.detail, text };
}

const whole = (input: Input, limits?: Partial<StreamLimits>) => feed([input], limits);

describe('restricted XML ends the stream with <restricted-xml/>', () => {
  it.each([
    ['a DOCTYPE mid-stream', `<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><message><body>x</body></message>`, 'doctype'],
    ['a DOCTYPE inside a stanza', `<message><!DOCTYPE x></message>`, 'doctype'],
    ['an ELEMENT declaration', `<!ELEMENT message ANY>`, 'doctype'],
    ['an ATTLIST declaration', `<!ATTLIST message a CDATA #IMPLIED>`, 'doctype'],
    ['an entity declaration', `<!ENTITY lol "lol">`, 'entity-declaration'],
    ['a comment between stanzas', `<!-- c --><message/>`, 'comment'],
    ['a comment inside a stanza', `<message><body>a<!-- c -->b</body></message>`, 'comment'],
    ['a processing instruction between stanzas', `<?pi x?>`, 'processing-instruction'],
    ['a processing instruction inside a stanza', `<message><?pi x?></message>`, 'processing-instruction'],
    ['a second XML declaration mid-stream', `<?xml version='1.0'?>`, 'processing-instruction'],
    ['an undeclared entity in text', `<message><body>&lol;</body></message>`, 'entity-reference'],
    ['an undeclared entity in an attribute', `<message from='&lol;'/>`, 'entity-reference'],
    ['the classic billion laughs reference', `<message><body>&lol9;</body></message>`, 'entity-reference'],
    ['an overlong entity name', `<message><body>&${'a'.repeat(60)};</body></message>`, 'entity-reference'],
  ])('%s', (_name, stanza, construct) => {
    expect(whole(HEADER + stanza).verdict).toBe(`restricted-xml/${construct}`);
  });

  it('an XML declaration after leading whitespace, or any other target at the start, is a processing instruction', () => {
    expect(whole(` ${HEADER}`).verdict).toBe('restricted-xml/processing-instruction');
    expect(whole(`<?xml-stylesheet href='x'?>${HEADER}`).verdict).toBe('restricted-xml/processing-instruction');
  });
});

describe('XML that is not well-formed ends the stream with <not-well-formed/>', () => {
  it.each([
    ['NUL', '\u0000'],
    ['U+0001', '\u0001'],
    ['ESC', '\u001b'],
    ['U+FFFE', '\ufffe'],
    ['U+FFFF', '\uffff'],
  ])('the character %s in a body', (_name, character) => {
    const outcome = whole(`${HEADER}<message><body>a${character}b</body></message>`);
    expect(outcome.verdict).toBe('not-well-formed/illegal-character');
    expect(outcome.detail).toBe(character.charCodeAt(0));
  });

  it.each([
    ['&#0;', 0],
    ['&#x1B;', 0x1b],
    ['&#xFFFE;', 0xfffe],
    ['&#65535;', 0xffff],
    ['&#xD800;', 0xd800],
    ['&#xDFFF;', 0xdfff],
    ['&#x110000;', 0x110000],
  ])('the character reference %s', (reference, code) => {
    const outcome = whole(`${HEADER}<message><body>${reference}</body></message>`);
    expect(outcome.verdict).toBe('not-well-formed/illegal-character');
    expect(outcome.detail).toBe(code);
  });

  it('an illegal character inside an attribute value, a CDATA section and a tag', () => {
    expect(whole(`${HEADER}<message id='a\u0000'/>`).verdict).toBe('not-well-formed/illegal-character');
    expect(whole(`${HEADER}<message><![CDATA[\u0001]]></message>`).verdict).toBe('not-well-formed/illegal-character');
    expect(whole(`${HEADER}<message\u0000/>`).verdict).toBe('not-well-formed/illegal-character');
  });

  it.each([
    ['a broken two-byte sequence', [0xc3, 0x28]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a byte that never occurs in UTF-8', [0xff]],
    ['a lone continuation byte', [0x80]],
    ['a sequence cut short by the next character', [0xe2, 0x82, 0x41]],
  ])('invalid UTF-8: %s', (_name, sequence) => {
    const stream = Buffer.concat([
      Buffer.from(`${HEADER}<message><body>a`),
      Buffer.from(sequence),
      Buffer.from('b</body>'),
    ]);
    expect(whole(stream).verdict).toBe('not-well-formed/invalid-utf8');
  });

  it('U+FFFE encoded as valid UTF-8 (EF BF BE) is an illegal character', () => {
    const stream = Buffer.concat([Buffer.from(`${HEADER}<message><body>`), Buffer.from([0xef, 0xbf, 0xbe])]);
    expect(whole(stream).verdict).toBe('not-well-formed/illegal-character');
  });

  it.each([
    ['a duplicated from', `<message from='alice@example.com' from='mallory@evil.example' type='chat'/>`],
    ['a duplicate in a child', `<message><body xml:lang='en' xml:lang='de'>x</body></message>`],
    ['a duplicate with other quotes and spacing', `<iq id="1" type = 'get'  id='2'/>`],
  ])('a duplicate attribute: %s', (_name, stanza) => {
    expect(whole(HEADER + stanza).verdict).toBe('not-well-formed/duplicate-attribute');
  });

  it('a duplicate among many attributes (past eight they go into a set)', () => {
    const many = Array.from({ length: 10_000 }, (_, n) => `a${n}='${n}'`).join(' ');
    expect(whole(`${HEADER}<message ${many}/>`).verdict).toBe('ok');
    expect(whole(`${HEADER}<message ${many} a9999='again'/>`).verdict).toBe('not-well-formed/duplicate-attribute');
    expect(whole(`${HEADER}<message a1='1' a2='2' a3='3' a4='4' a5='5' a6='6' a7='7' a8='8' a1='x'/>`).verdict).toBe(
      'not-well-formed/duplicate-attribute',
    );
  });

  it('a mismatched end tag', () => {
    expect(whole(`${HEADER}<message><body>x</message>`).verdict).toBe('not-well-formed/mismatched-end-tag');
    expect(whole(`${HEADER}</message>`).verdict).toBe('not-well-formed/mismatched-end-tag');
  });

  it.each([
    ['an attribute without a value', `<message a/>`],
    ['attributes without whitespace between them', `<message a='1'b='2'/>`],
    ['an unquoted value', `<message a=1/>`],
    ["a raw '<' in an attribute value", `<message a='<'/>`],
    ["a bare '&'", `<message><body>AT&T</body></message>`],
    ['a reference without a name', `<message><body>&;</body></message>`],
    ['a character reference without digits', `<message><body>&#x;</body></message>`],
    ['a character reference with junk', `<message><body>&#12a;</body></message>`],
    ['a tag that does not start with a name', `<message>< body/></message>`],
    ['an end tag after the stream closed', `</stream:stream></message>`],
    ['an unknown <! construct', `<![FOO[x]]>`],
    ['text beside the stream', `</stream:stream>x`],
  ])('%s', (_name, stanza) => {
    expect(whole(HEADER + stanza).verdict).toBe('not-well-formed/malformed');
  });

  it('text before the stream header', () => {
    expect(whole(`hello${HEADER}`).verdict).toBe('not-well-formed/malformed');
  });
});

describe('legal look-alikes pass unchanged', () => {
  const legal: [string, string][] = [
    ['a CDATA section holding markup', `<message><body><![CDATA[<!-- no --> &lol; <?pi?> ]] ] ]]></body></message>`],
    ['the predefined entities', `<message><body>&amp; &lt; &gt; &quot; &apos;</body></message>`],
    ['character references', `<message><body>&#x1F600; &#128512; &#9; &#xA; &#x00041;</body></message>`],
    ["'>' inside quoted values", `<message a='x > y' b="1>0"/>`],
    ['comment-like text inside attribute values', `<message a='&lt;!-- not a comment --&gt;' b='--&gt;'/>`],
    ['quotes of the other kind inside values', `<message a="it's" b='say "hi"'/>`],
    ['whitespace around = and before >', `<message a = 'x'\n\tb\t=\t"y"  ></message >`],
    ['the same attribute name on different elements', `<message from='a'><body from='b'/></message>`],
    ['prefixed names', `<x:a xmlns:x='urn:x' x:b='1'><x:c/></x:a>`],
    ['non-ASCII names and text', `<nachricht grüße='ja'><körper>Привет 你好 😀</körper></nachricht>`],
    ['whitespace keepalives between stanzas', ` \n <message/> \r\n\t<presence/>  `],
  ];
  it.each(legal)('%s', (_name, stanza) => {
    const stream = HEADER + stanza;
    expect(whole(stream)).toEqual({ verdict: 'ok', detail: undefined, text: stream });
  });

  it('the XML declaration at the start of every stream, also in its short form', () => {
    for (const declaration of [`<?xml version='1.0'?>`, `<?xml version="1.0" encoding="UTF-8"?>`, '<?xml?>', '']) {
      const stream = `${declaration}<stream:stream xmlns='jabber:client'><message/>`;
      expect(whole(stream).verdict).toBe('ok');
    }
  });

  it('a byte order mark at the very start is dropped', () => {
    const outcome = whole(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(HEADER)]));
    expect(outcome).toEqual({ verdict: 'ok', detail: undefined, text: HEADER });
  });

  it('the stream closing, then nothing but whitespace', () => {
    expect(whole(`${HEADER}<message/></stream:stream>\n`).verdict).toBe('ok');
  });
});

describe('what the parser gets when the guard trips', () => {
  it('the complete stanzas before the offending one, nothing of it or after it', () => {
    const good = `<message id='1'><body>one</body></message>`;
    const outcome = whole(`${HEADER}${good}<message id='2'><!-- x --><body>two</body></message><message/>`);
    expect(outcome.verdict).toBe('restricted-xml/comment');
    expect(outcome.text).toBe(HEADER + good);
  });

  it('nothing more once refused', () => {
    const guard = new StreamGuard();
    guard.read(Buffer.from(`${HEADER}<!-- x -->`));
    expect(guard.violation?.condition).toBe('restricted-xml');
    expect(guard.read(Buffer.from('<message/>'))).toBe('');
  });

  it('the stream guard error is classified for the user, retried with backoff', () => {
    const guard = new StreamGuard();
    guard.read(Buffer.from(`${HEADER}<!-- x -->`));
    expect(classifyError(guard.violation)).toEqual({
      error: {
        kind: 'protocol',
        reason: 'connection.streamViolation',
        params: { construct: 'comment', condition: 'restricted-xml', detail: 0 },
      },
      retry: 'backoff',
    });
    expect(connectionErrorText(classifyError(guard.violation).error)).toBe(
      'The server sent XML that XMPP does not allow (a comment).',
    );
    const nul = new StreamGuard();
    nul.read(Buffer.from(`${HEADER}<message><body>\u0000`));
    expect(connectionErrorText(classifyError(nul.violation).error)).toBe(
      'The server sent malformed XML (a character XML does not allow: U+0000).',
    );
  });
});

describe('size and depth limits end the stream with <policy-violation/>', () => {
  const small: Partial<StreamLimits> = { stanza: 1000, depth: 8, rosterItem: 200, rosterItems: 20 };

  it('a stanza over the size limit, refused as soon as it crosses it', () => {
    const guard = new StreamGuard(small);
    expect(guard.read(Buffer.from(`${HEADER}<message><body>`))).not.toBe('');
    let fed = 0;
    while (!guard.violation && fed < 100_000) {
      guard.read(Buffer.from('x'.repeat(100)));
      fed += 100;
    }
    expect(guard.violation?.condition).toBe('policy-violation');
    expect(guard.violation?.construct).toBe('stanza-size');
    // Refused within one chunk of crossing the limit, not at the stanza's end (it never ends).
    expect(fed).toBeGreaterThan(900);
    expect(fed).toBeLessThanOrEqual(1100);
  });

  it('a stanza of exactly the limit passes; one more code unit does not', () => {
    const stanza = (length: number) => {
      const open = '<message><body>';
      const close = '</body></message>';
      return open + 'x'.repeat(length - open.length - close.length) + close;
    };
    expect(whole(HEADER + stanza(1000), small).verdict).toBe('ok');
    expect(whole(HEADER + stanza(1001), small).verdict).toBe('policy-violation/stanza-size');
  });

  it('the default limit: a 1 MiB stanza passes, a 50 MB body is refused after about 1 MiB', () => {
    const body = (length: number) => `<message><body>${'x'.repeat(length)}</body></message>`;
    expect(whole(HEADER + body(1024 * 1024 - 100)).verdict).toBe('ok');
    const guard = new StreamGuard();
    guard.read(Buffer.from(`${HEADER}<message><body>`));
    const chunk = Buffer.alloc(64 * 1024, 'y');
    let fed = 0;
    while (!guard.violation && fed < 50_000_000) {
      guard.read(chunk);
      fed += chunk.length;
    }
    expect(guard.violation?.construct).toBe('stanza-size');
    expect(fed).toBeLessThan(1024 * 1024 + 2 * chunk.length);
  });

  it('a long run of text between stanzas counts like a stanza', () => {
    expect(whole(`${HEADER}${' '.repeat(1001)}`, small).verdict).toBe('policy-violation/stanza-size');
    expect(whole(`${HEADER}${' '.repeat(999)}<message/>${' '.repeat(999)}`, small).verdict).toBe('ok');
  });

  it('nesting beyond the depth limit, at the element that crosses it', () => {
    const nested = (depth: number) => `<message>${'<a>'.repeat(depth - 1)}${'</a>'.repeat(depth - 1)}</message>`;
    expect(whole(HEADER + nested(8), small).verdict).toBe('ok');
    expect(whole(HEADER + nested(9), small)).toMatchObject({ verdict: 'policy-violation/stanza-depth', detail: 8 });
    // 300,000 levels: refused at the default limit long before the end.
    const guard = new StreamGuard();
    guard.read(Buffer.from(`${HEADER}<message>${'<a>'.repeat(300_000)}`));
    expect(guard.violation).toMatchObject({ construct: 'stanza-depth', detail: 128 });
  });

  const item = (n: number, padding = 0) => `<item jid='c${n}@example.org' name='${'n'.repeat(padding)}'/>`;
  const rosterResult = (items: string, type = 'result') =>
    `<iq type='${type}' id='r1'><query xmlns='${NS_ROSTER}' ver='1'>${items}</query></iq>`;

  it('a roster result is bounded per item and by item count, not by the stanza limit', () => {
    const items = Array.from({ length: 20 }, (_, n) => item(n, 100)).join('');
    expect(items.length).toBeGreaterThan(2000);
    expect(whole(HEADER + rosterResult(items), small).verdict).toBe('ok');
    // The same items in a roster push (type 'set'), which keeps them in the tree: the stanza limit.
    expect(whole(HEADER + rosterResult(items, 'set'), small).verdict).toBe('policy-violation/stanza-size');
  });

  it('a roster item over the item limit, and more items than the count limit', () => {
    expect(whole(HEADER + rosterResult(item(1, 200)), small)).toMatchObject({
      verdict: 'policy-violation/roster-item-size',
      detail: 200,
    });
    const many = Array.from({ length: 21 }, (_, n) => item(n)).join('');
    expect(whole(HEADER + rosterResult(many), small)).toMatchObject({
      verdict: 'policy-violation/roster-items',
      detail: 20,
    });
  });

  it('children of a roster query that are not items stay in the tree and count against the stanza', () => {
    const others = Array.from({ length: 20 }, (_, n) => `<note n='${n}'>${'x'.repeat(100)}</note>`).join('');
    expect(whole(HEADER + rosterResult(others), small).verdict).toBe('policy-violation/stanza-size');
  });

  it('a roster query under another name or namespace is an ordinary stanza', () => {
    const items = Array.from({ length: 20 }, (_, n) => item(n, 100)).join('');
    const prefixed = `<iq type='result'><r:query xmlns:r='${NS_ROSTER}'>${items}</r:query></iq>`;
    expect(whole(HEADER + prefixed, small).verdict).toBe('policy-violation/stanza-size');
    const escaped = `<iq type='res&#x75;lt'><query xmlns='jabber&#x3A;iq:roster'>${items}</query></iq>`;
    expect(whole(HEADER + escaped, small).verdict).toBe('ok');
  });

  it('the default limits take a 10,000-contact roster of about 1.4 MB', () => {
    const items = Array.from(
      { length: 10_000 },
      (_, n) =>
        `<item jid='contact${n}@example.org' name='Contact number ${n} of the whole team' subscription='both'>` +
        `<group>Group ${n % 500}</group></item>`,
    ).join('');
    expect(items.length).toBeGreaterThan(1_300_000);
    expect(whole(HEADER + rosterResult(items)).verdict).toBe('ok');
  });
});

describe('the verdict does not depend on how the stream is cut into chunks', () => {
  const limits: Partial<StreamLimits> = { stanza: 400, depth: 4, rosterItem: 120, rosterItems: 3 };
  const rosterItems = (count: number) =>
    Array.from({ length: count }, (_, n) => `<item jid='c${n}@e.org' name='Ä${n}'><group>G</group></item>`).join('');
  const streams: [string, Input][] = [
    [
      'valid, with multi-byte text, references, CDATA and a roster',
      `\ufeff${HEADER}<message from='a@b/c' to="d@e" type='chat'><body>grüße 😀 &amp;&#x1F600;` +
        `<![CDATA[<!-- ]] x ]]></body><x a='1 > 0' b='&lt;!--'/></message>` +
        `<iq type='result' id='r'><query xmlns='${NS_ROSTER}'>${rosterItems(3)}</query></iq>  </stream:stream>`,
    ],
    ['a DOCTYPE', `${HEADER}<message/><!DOCTYPE x [<!ENTITY a "b">]><message/>`],
    ['an entity declaration', `${HEADER}<!ENTITY a "b">`],
    ['a comment', `${HEADER}<message><body>x</body><!-- c --></message>`],
    ['a processing instruction', `${HEADER}<message/><?php x?>`],
    ['an undeclared entity', `${HEADER}<message><body>&lolwhat;</body></message>`],
    ['a character reference to NUL', `${HEADER}<message a='&#x0000;'/>`],
    ['U+FFFE', `${HEADER}<message><body>ok \ufffe</body></message>`],
    ['invalid UTF-8', Buffer.concat([Buffer.from(`${HEADER}<message><body>é`), Buffer.from([0xe2, 0x28, 0xa1])])],
    ['a duplicate attribute', `${HEADER}<message from='alice@example.com' type='chat' from='mallory@evil.example'/>`],
    ['a mismatched end tag', `${HEADER}<message><body>x</bodx></message>`],
    ["'<' in a value after a reference", `${HEADER}<message a='&lolx;<'/>`],
    ['a stanza over the size limit', `${HEADER}<message><body>${'é'.repeat(500)}</body></message>`],
    ['nesting over the depth limit', `${HEADER}<message><a><b><c><d/></c></b></a></message>`],
    [
      'a roster item over the item limit',
      `${HEADER}<iq type='result'><query xmlns='${NS_ROSTER}'><item jid='${'x'.repeat(120)}'/></query></iq>`,
    ],
    ['too many roster items', `${HEADER}<iq type='result'><query xmlns='${NS_ROSTER}'>${rosterItems(4)}</query></iq>`],
  ];

  it.each(streams)('%s: cut once at every byte, and into single bytes', (_name, input) => {
    const all = bytes(input);
    const reference = feed([all], limits);
    if (_name.startsWith('valid'))
      expect(reference).toEqual({ verdict: 'ok', detail: undefined, text: all.toString('utf8').slice(1) });
    else expect(reference.verdict).not.toBe('ok');
    for (let cut = 0; cut <= all.length; cut++) {
      const outcome = feed([all.subarray(0, cut), all.subarray(cut)], limits);
      expect([cut, outcome.verdict, outcome.detail]).toEqual([cut, reference.verdict, reference.detail]);
      if (reference.verdict === 'ok') expect(outcome.text).toBe(reference.text);
    }
    const single = feed(
      Array.from(all, (byte) => Buffer.from([byte])),
      limits,
    );
    expect([single.verdict, single.detail]).toEqual([reference.verdict, reference.detail]);
    if (reference.verdict === 'ok') expect(single.text).toBe(reference.text);
  });
});
