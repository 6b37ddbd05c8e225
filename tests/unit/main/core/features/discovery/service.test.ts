/**
 * Reading discovery answers: identities and features once each, XEP-0128 forms, items with valid
 * addresses only and capped, and the version, last activity and time answers with their bad shapes.
 */
import { describe, expect, it } from 'vitest';
import {
  DISCO_ITEMS_MAX,
  readDiscoInfo,
  readDiscoItems,
  readEntityTime,
  readLastActivity,
  readVersion,
} from '../../../../../../src/main/core/features/discovery/service';
import { parseStanza } from '../../../../../support/xml';

describe('disco#info', () => {
  it('reads identities and features once each, and extended information forms', () => {
    const info = readDiscoInfo(
      parseStanza(`<query xmlns='http://jabber.org/protocol/disco#info' node='n'>
        <identity category='server' type='im' name='Prosody'/>
        <identity category='server' type='im' name='Prosody'/>
        <identity type='im'/>
        <feature var='urn:xmpp:blocking'/><feature var='urn:xmpp:blocking'/><feature/>
        <x xmlns='jabber:x:data' type='result'>
          <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/network/serverinfo</value></field>
          <field var='admin-addresses' type='list-multi'><value>mailto:admin@localhost</value></field>
        </x></query>`),
      'localhost',
      'n',
    );
    expect(info.identities).toEqual([{ category: 'server', type: 'im', name: 'Prosody', lang: null }]);
    expect(info.features).toEqual(['urn:xmpp:blocking']);
    expect(info.forms[0].formType).toBe('http://jabber.org/network/serverinfo');
    expect(info.node).toBe('n');
  });
});

describe('disco#items', () => {
  it('keeps items with valid addresses, each (jid, node) once', () => {
    const items = readDiscoItems(
      parseStanza(`<query xmlns='http://jabber.org/protocol/disco#items'>
        <item jid='Conference.Localhost' name='Rooms'/>
        <item jid='conference.localhost' name='Again'/>
        <item jid='localhost' node='http://jabber.org/protocol/commands' name='Commands'/>
        <item jid='a@b@c'/><item name='no jid'/></query>`),
      'localhost',
      null,
    );
    expect(items).toEqual({
      jid: 'localhost',
      node: null,
      truncated: false,
      items: [
        { jid: 'conference.localhost', node: null, name: 'Rooms' },
        { jid: 'localhost', node: 'http://jabber.org/protocol/commands', name: 'Commands' },
      ],
    });
  });

  it('caps a huge list and says so', () => {
    const many = Array.from({ length: DISCO_ITEMS_MAX + 5 }, (_, i) => `<item jid='r${i}@conference.localhost'/>`).join(
      '',
    );
    const items = readDiscoItems(
      parseStanza(`<query xmlns='http://jabber.org/protocol/disco#items'>${many}</query>`),
      'x',
      null,
    );
    expect(items.items).toHaveLength(DISCO_ITEMS_MAX);
    expect(items.truncated).toBe(true);
  });
});

describe('what an entity says about itself', () => {
  it('reads the software version, cutting long texts', () => {
    expect(
      readVersion(
        parseStanza(`<query xmlns='jabber:iq:version'><name>Psi</name><version>${'9'.repeat(5000)}</version></query>`),
      ),
    ).toEqual({ name: 'Psi', version: '9'.repeat(1024), os: null });
  });

  it('reads last activity, and refuses seconds that are not a count', () => {
    expect(readLastActivity(parseStanza(`<query xmlns='jabber:iq:last' seconds='903'>Heading home</query>`))).toEqual({
      seconds: 903,
      status: 'Heading home',
    });
    for (const seconds of ['-1', '1.5', 'x', '1e9', '9'.repeat(20)]) {
      expect(readLastActivity(parseStanza(`<query xmlns='jabber:iq:last' seconds='${seconds}'/>`))).toBeNull();
    }
    expect(readLastActivity(parseStanza(`<query xmlns='jabber:iq:last'/>`))).toBeNull();
  });

  it('reads the time with its offset and our clock difference, and refuses malformed times', () => {
    const now = Date.parse('2006-12-19T17:58:00Z');
    expect(
      readEntityTime(
        parseStanza(`<time xmlns='urn:xmpp:time'><tzo>-06:00</tzo><utc>2006-12-19T17:58:35Z</utc></time>`),
        now,
      ),
    ).toEqual({ utc: '2006-12-19T17:58:35Z', tzo: '-06:00', offsetMinutes: -360, skewSeconds: 35 });
    expect(
      readEntityTime(
        parseStanza(`<time xmlns='urn:xmpp:time'><tzo>Z</tzo><utc>2006-12-19T17:58:35.123Z</utc></time>`),
        now,
      )?.offsetMinutes,
    ).toBe(0);
    for (const [tzo, utc] of [
      ['+25:00', '2006-12-19T17:58:35Z'],
      ['-06:00', '2006-12-19T17:58:35+01:00'],
      ['-06:00', 'yesterday'],
      ['', '2006-12-19T17:58:35Z'],
    ]) {
      expect(
        readEntityTime(parseStanza(`<time xmlns='urn:xmpp:time'><tzo>${tzo}</tzo><utc>${utc}</utc></time>`), now),
      ).toBeNull();
    }
  });
});
