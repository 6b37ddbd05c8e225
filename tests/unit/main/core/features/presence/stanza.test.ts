import { describe, expect, it } from 'vitest';
import { parseStanza } from '../../../../../support/xml';
import { parsePresence, STATUS_MAX } from '../../../../../../src/main/core/features/presence/stanza';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const read = (xml: string) => parsePresence(parseStanza(xml), NOW);

describe('parsePresence', () => {
  it('reads an available presence with show, status, priority, delay and caps', () => {
    const result = read(
      `<presence from='Bob@Example.org/Phone'><show>away</show><status>on the train</status><priority>-5</priority>` +
        `<delay xmlns='urn:xmpp:delay' stamp='2026-11-21T11:00:00Z'/>` +
        `<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://dino.im' ver='abc='/></presence>`,
    );
    expect(result).toEqual({
      kind: 'available',
      bare: 'bob@example.org',
      presence: {
        resource: 'Phone',
        show: 'away',
        status: 'on the train',
        priority: -5,
        since: NOW - 3_600_000,
        caps: { node: 'https://dino.im', ver: 'abc=', hash: 'sha-1' },
        client: null,
        view: null,
        recordedSince: -Infinity,
        recorded: null,
        idleSince: -Infinity,
      },
      caps: { node: 'https://dino.im', ver: 'abc=', hash: 'sha-1' },
    });
  });

  it('treats a bad priority as an invalid presence and an unknown show as available', () => {
    expect(read(`<presence from='a@x/r'><priority>128</priority></presence>`)).toMatchObject({ kind: 'invalid' });
    expect(read(`<presence from='a@x/r'><priority>9.5</priority></presence>`)).toMatchObject({ kind: 'invalid' });
    expect(read(`<presence from='a@x/r'><show>busy</show></presence>`)).toMatchObject({
      kind: 'available',
      presence: { show: 'available', priority: 0 },
    });
  });

  it('caps a huge status and ignores bad or future delay stamps', () => {
    const big = 'x'.repeat(1024 * 1024);
    const result = read(
      `<presence from='a@x/r'><status>${big}</status><delay xmlns='urn:xmpp:delay' stamp='yesterday'/></presence>`,
    );
    expect(result).toMatchObject({ kind: 'available', presence: { since: NOW } });
    if (result.kind === 'available') expect(result.presence.status).toHaveLength(STATUS_MAX);
    expect(
      read(
        `<presence from='a@x/r' type='unavailable'><delay xmlns='urn:xmpp:delay' stamp='2099-01-01T00:00:00Z'/></presence>`,
      ),
    ).toMatchObject({ kind: 'unavailable', at: NOW });
  });

  it('reads unavailable with its delay as last seen', () => {
    expect(
      read(
        `<presence from='a@x/desk' type='unavailable'><status>bye</status><delay xmlns='urn:xmpp:delay' stamp='2026-11-21T09:00:00Z'/></presence>`,
      ),
    ).toEqual({ kind: 'unavailable', bare: 'a@x', resource: 'desk', at: NOW - 3 * 3_600_000, status: 'bye' });
  });

  it('reads error presences with their condition', () => {
    expect(
      read(
        `<presence from='a@x' type='error'><error type='cancel'><remote-server-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>`,
      ),
    ).toMatchObject({ kind: 'error', bare: 'a@x', condition: 'remote-server-not-found' });
  });

  it('leaves MUC occupant presence, probes and subscriptions to their features; rejects bad senders', () => {
    expect(
      read(`<presence from='room@conf.x/nick'><x xmlns='http://jabber.org/protocol/muc#user'/></presence>`),
    ).toEqual({
      kind: 'muc',
    });
    expect(read(`<presence from='a@x/r' type='probe'/>`)).toMatchObject({ kind: 'probe', bare: 'a@x' });
    expect(read(`<presence from='a@x' type='subscribe'/>`)).toMatchObject({ kind: 'subscription', type: 'subscribe' });
    expect(read(`<presence/>`)).toMatchObject({ kind: 'invalid' });
    expect(read(`<presence from='a@b@c/r'/>`)).toMatchObject({ kind: 'invalid' });
    expect(read(`<presence from='a@x/r' type='weird'/>`)).toMatchObject({ kind: 'invalid' });
  });
});
