/**
 * A room's subject (XEP-0045 §8.1): a groupchat message with <subject/> and no <body/>, only from a
 * room we have; setting it is a message to the room (the room decides who may).
 */
import xml, { type Element } from '@xmpp/xml';
import { MUC_SUBJECT_MAX, type ParsedInput } from '../../../../shared/contract';
import { fail, ok, type Result } from '../../../../shared/result';
import { capText } from '../../util/text';
import type { MucRooms, Room } from './rooms';

export class RoomSubjects {
  constructor(private readonly rooms: MucRooms) {}

  /** Reads a subject change; returns false when the message is not one. */
  read(room: Room, stanza: Element, nick: string | null): boolean {
    if (stanza.attrs.type !== 'groupchat' || !stanza.getChild('subject') || stanza.getChild('body')) return false;
    const subject = stanza.getChildText('subject') ?? '';
    room.subject = subject === '' ? null : capText(subject, MUC_SUBJECT_MAX);
    room.subjectBy = nick;
    if (room.state === 'joined' && room.subjectBy) {
      this.rooms.notice(room, {
        code: room.subject ? 'muc.subjectChanged' : 'muc.subjectCleared',
        nick: room.subjectBy,
      });
    }
    this.rooms.changedRoom(room);
    return true;
  }

  async set(input: ParsedInput<'muc.setSubject'>): Promise<Result<null>> {
    const { room, xmpp, error } = this.rooms.inRoom(input.accountId, input.room);
    if (error) return error;
    try {
      await xmpp.send(xml('message', { to: room.room, type: 'groupchat' }, xml('subject', {}, input.subject)));
      return ok(null);
    } catch {
      return fail('not_connected', 'muc.subjectNotSent');
    }
  }
}
