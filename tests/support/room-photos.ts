/**
 * The XEP-0153 photo hashes in a room's presence as a session receives them, whichever way the
 * stream takes them: room presence of a room we are in is read from the stream text (the lean
 * path), anything else ends as a stanza.
 */
import type { Element } from '@xmpp/xml';
import type { SessionXmpp } from '../../src/main/core/accounts/client';
import { NS_VCARD_UPDATE } from '../../src/main/core/xmpp/ns';

export interface RoomPhotos {
  /** Every hash heard so far, in order (undefined: a presence without one). */
  readonly heard: (string | undefined)[];
  stop(): void;
}

export function listenToRoomPhotos(xmpp: SessionXmpp, room: string): RoomPhotos {
  const heard: (string | undefined)[] = [];
  const fromRoom = (from: unknown) => String(from).startsWith(`${room}/`);
  const stopRaw = xmpp.hooks.onRawRoomPresenceTaken((raw) => {
    if (fromRoom(raw.from)) heard.push(raw.photo);
  });
  const listener = (stanza: Element) => {
    if (!stanza.is('presence') || !fromRoom(stanza.attrs.from)) return;
    heard.push(stanza.getChild('x', NS_VCARD_UPDATE)?.getChildText('photo') ?? undefined);
  };
  xmpp.on('stanza', listener);
  return {
    heard,
    stop: () => {
      xmpp.removeListener('stanza', listener);
      stopRaw();
    },
  };
}
