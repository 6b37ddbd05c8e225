/**
 * The presence fast path: presence a feature consumes through the stream hooks skips the middleware
 * chain but is still counted for stream management; everything else takes the normal path. The lean
 * stream parser goes in front of xmpp.js's only while a hook wants what it reads.
 */
import xml, { type Element } from '@xmpp/xml';
import { describe, expect, it, vi } from 'vitest';
import { GuardedClient } from '../../../../../../src/main/core/accounts/stream/guarded-client';
import { parseStanza } from '../../../../../support/xml';

function client(status = 'online', smEnabled = true) {
  const entity = new GuardedClient({ domain: 'x' });
  entity.status = status;
  entity.streamManagement = { enabled: smEnabled, inbound: 0 };
  const normal: string[] = [];
  entity.on('element', (element: Element) => normal.push(element.toString()));
  return { entity, normal, sm: entity.streamManagement };
}

describe('presence fast path', () => {
  it('consumes handled presence, counts it for stream management, passes the rest on', () => {
    const { entity, normal, sm } = client();
    const handled: string[] = [];
    entity.hooks.onPresence((stanza) => {
      if (stanza.attrs.type === 'subscribe') return false;
      handled.push(stanza.attrs.from);
      return true;
    });
    entity._onElement(parseStanza(`<presence from='a@x/r'/>`));
    entity._onElement(parseStanza(`<presence from='b@x' type='subscribe'/>`));
    entity._onElement(parseStanza(`<message from='a@x/r'><body>hi</body></message>`));
    expect(handled).toEqual(['a@x/r']);
    expect(normal).toHaveLength(2); // the subscription request and the message
    // Only the consumed presence was counted here; the SM middleware counts what takes the normal path.
    expect(sm.inbound).toBe(1);
  });

  it('does not count without stream management, and leaves negotiation alone', () => {
    const noSm = client('online', false);
    noSm.entity.hooks.onPresence(() => true);
    noSm.entity._onElement(parseStanza(`<presence from='a@x/r'/>`));
    expect(noSm.sm.inbound).toBe(0);
    expect(noSm.normal).toEqual([]);

    const negotiating = client('opening');
    const handle = vi.fn(() => true);
    negotiating.entity.hooks.onPresence(handle);
    negotiating.entity._onElement(parseStanza(`<presence from='a@x/r'/>`));
    expect(handle).not.toHaveBeenCalled();
    expect(negotiating.normal).toHaveLength(1);
  });

  it('a failing handler is reported, and the stanza still counts as handled', () => {
    const { entity, normal, sm } = client();
    const errors: unknown[] = [];
    entity.hooks.onPresence(
      () => {
        throw new Error('boom');
      },
      (error) => errors.push(error),
    );
    entity._onElement(parseStanza(`<presence from='a@x/r'/>`));
    expect(errors).toHaveLength(1);
    expect(normal).toEqual([]);
    expect(sm.inbound).toBe(1);
  });

  it('an unsubscribed handler is not asked again', () => {
    const { entity, normal } = client();
    const undo = entity.hooks.onPresence(() => true);
    undo();
    entity._onElement(parseStanza(`<presence from='a@x/r'/>`));
    expect(normal).toHaveLength(1);
  });

  it('hands room presence read from the text to the room hooks only, counts it, and tells listeners of what was taken', () => {
    const { entity, normal, sm } = client();
    entity.Parser = xml.Parser;
    const contacts: string[] = [];
    const rooms: string[] = [];
    const heard: string[] = [];
    entity.hooks.onRawPresence((raw) => {
      contacts.push(raw.from!);
      return true;
    });
    entity.hooks.onRawRoomPresence((raw) => {
      if (!raw.from!.startsWith('room@')) return false;
      rooms.push(raw.from!);
      return true;
    });
    entity.hooks.onRawRoomPresenceTaken((raw) => heard.push(`${raw.from} ${raw.photo}`));
    const parser = new entity.Parser!();
    entity.parser = parser;
    parser.on('element', (element: Element) => entity._onElement(element));
    const muc = `<x xmlns='http://jabber.org/protocol/muc#user'><item role='participant'/></x>`;
    parser.write(
      `<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>` +
        `<presence from='a@x/r'/>` +
        `<presence from='room@conf.x/n'>${muc}<x xmlns='vcard-temp:x:update'><photo>ab</photo></x></presence>` +
        `<presence from='other@conf.x/n'>${muc}</presence>`,
    );
    expect(contacts).toEqual(['a@x/r']);
    expect(rooms).toEqual(['room@conf.x/n']);
    expect(heard).toEqual(['room@conf.x/n ab']);
    // Declined by the room hooks: the normal path, as an Element.
    expect(normal).toEqual([`<presence from="other@conf.x/n">${muc.replaceAll("'", '"')}</presence>`]);
    expect(sm.inbound).toBe(2);
  });

  it('puts the lean parser in front of xmpp.js’s only while a hook wants what it reads', () => {
    const { entity } = client();
    entity.Parser = xml.Parser;
    expect(entity.Parser).toBe(xml.Parser);
    const undo = entity.hooks.onRawPresence(() => true);
    const Lean = entity.Parser!;
    expect(Lean).not.toBe(xml.Parser);
    expect(new Lean()).toBeInstanceOf(xml.Parser);
    // One subclass per transport parser, not one per stream.
    expect(entity.Parser).toBe(Lean);
    undo();
    expect(entity.Parser).toBe(xml.Parser);
    entity.hooks.onRosterItem(() => true);
    expect(entity.Parser).toBe(Lean);
    const { entity: rooms } = client();
    rooms.Parser = xml.Parser;
    rooms.hooks.onRawRoomPresence(() => true);
    expect(rooms.Parser).not.toBe(xml.Parser);
  });
});
