import { describe, expect, it } from 'vitest';
import { capsHashAlgo, checkCaps } from '../../../../../../src/main/core/features/caps/hash';
import {
  BASE_FEATURES,
  discoInfoResponder,
  JABBERWOCK_CAPS_NODE,
  ownCapsElement,
  ownDiscoInfo,
} from '../../../../../../src/main/core/features/caps/own';
import { parseStanza } from '../../../../../support/xml';

const DISCO = 'http://jabber.org/protocol/disco#info';

/** The <query/> of an incoming disco#info get, as the iqCallee hands it to the handler. */
function get(node?: string) {
  const iq = parseStanza(
    `<iq type='get' id='g1' from='alice@example.org/r'><query xmlns='${DISCO}'${node ? ` node='${node}'` : ''}/></iq>`,
  );
  return { element: iq.getChild('query', DISCO)! };
}

/** Our answer as the asker receives it: serialized and parsed again. */
function onTheWire(answer: ReturnType<ReturnType<typeof discoInfoResponder>>) {
  return parseStanza(`<iq type='result' id='g1'>${answer.toString()}</iq>`).getChildElements()[0];
}

describe('our own caps and disco#info', () => {
  const own = ownDiscoInfo([...BASE_FEATURES, 'urn:xmpp:receipts', 'urn:xmpp:ping']);
  const c = ownCapsElement(own, JABBERWOCK_CAPS_NODE);
  const respond = discoInfoResponder(own);

  it('advertises a <c/> whose ver our answer to node#ver verifies against', () => {
    expect(c.attrs).toMatchObject({
      xmlns: 'http://jabber.org/protocol/caps',
      hash: 'sha-1',
      node: JABBERWOCK_CAPS_NODE,
    });
    const answer = onTheWire(respond(get(`${JABBERWOCK_CAPS_NODE}#${c.attrs.ver}`)));
    expect(answer.attrs.node).toBe(`${JABBERWOCK_CAPS_NODE}#${c.attrs.ver}`);
    expect(checkCaps(answer, capsHashAlgo(c.attrs.hash)!, c.attrs.ver).status).toBe('valid');
    // Duplicate features passed in are advertised once (a duplicate would make our answer ill-formed).
    expect(answer.getChildren('feature').filter((f) => f.attrs.var === 'urn:xmpp:ping')).toHaveLength(1);
  });

  it('answers a query without node with the same identity and features', () => {
    const answer = onTheWire(respond(get()));
    expect(answer.attrs.node).toBeUndefined();
    expect(checkCaps(answer, 'sha-1', c.attrs.ver).status).toBe('valid');
  });

  it('answers item-not-found for a node that is not our current caps node', () => {
    const answer = respond(get(`${JABBERWOCK_CAPS_NODE}#stale=`));
    expect(answer.name).toBe('error');
    expect(answer.getChild('item-not-found', 'urn:ietf:params:xml:ns:xmpp-stanzas')).toBeDefined();
  });

  it('follows a changing feature set when given a function', () => {
    let features = [...BASE_FEATURES];
    const dynamic = discoInfoResponder(() => ownDiscoInfo(features));
    const before = ownCapsElement(ownDiscoInfo(features), JABBERWOCK_CAPS_NODE).attrs.ver;
    features = [...features, 'urn:xmpp:mam:2'];
    const after = ownCapsElement(ownDiscoInfo(features), JABBERWOCK_CAPS_NODE).attrs.ver;
    expect(after).not.toBe(before);
    expect(dynamic(get(`${JABBERWOCK_CAPS_NODE}#${before}`)).name).toBe('error');
    expect(dynamic(get(`${JABBERWOCK_CAPS_NODE}#${after}`)).name).toBe('query');
  });
});
