import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../../../../src/shared/contract';
import {
  loadsByItself,
  mayPreview,
  nameOfAddress,
  type PreviewPeople,
} from '../../../../../src/renderer/src/components/files/preview-rule';

const base: MessageView = {
  accountId: 'acc',
  id: 1,
  conversation: 'friend@example.org',
  kind: 'chat',
  direction: 'in',
  from: 'friend@example.org',
  body: 'https://files.example/a/cat.png',
  at: 0,
  state: 'received',
  corrected: false,
  error: null,
  file: true,
};

const people: PreviewPeople = {
  mutual: (_account, bare) => bare === 'friend@example.org',
  occupantJid: (_account, room, nick) =>
    room === 'room@muc.example' && nick === 'Friend'
      ? 'friend@example.org/phone'
      : room === 'room@muc.example' && nick === 'Stranger'
        ? 'stranger@example.org/x'
        : null,
};

describe('loadsByItself', () => {
  it('loads from a mutual contact, not from anyone else, by default', () => {
    expect(loadsByItself(base, 'contacts', people)).toBe(true);
    const stranger = { ...base, conversation: 'stranger@example.org', from: 'stranger@example.org' };
    expect(loadsByItself(stranger, 'contacts', people)).toBe(false);
  });

  it('in rooms: only an occupant whose real JID is a mutual contact', () => {
    const room = { ...base, kind: 'groupchat' as const, conversation: 'room@muc.example' };
    expect(loadsByItself({ ...room, from: 'Friend' }, 'contacts', people)).toBe(true);
    expect(loadsByItself({ ...room, from: 'Stranger' }, 'contacts', people)).toBe(false);
    expect(loadsByItself({ ...room, from: 'Anonymous' }, 'contacts', people)).toBe(false);
    const pm = { ...base, kind: 'pm' as const, conversation: 'room@muc.example/Friend', from: 'Friend' };
    expect(loadsByItself(pm, 'contacts', people)).toBe(true);
  });

  it('follows the setting: everyone, or never (not even our own)', () => {
    const stranger = { ...base, conversation: 'stranger@example.org', from: 'stranger@example.org' };
    expect(loadsByItself(stranger, 'everyone', people)).toBe(true);
    expect(loadsByItself(base, 'never', people)).toBe(false);
    expect(loadsByItself({ ...stranger, direction: 'out' }, 'contacts', people)).toBe(true);
    expect(loadsByItself({ ...stranger, direction: 'out' }, 'never', people)).toBe(false);
  });
});

describe('mayPreview and nameOfAddress', () => {
  it('offers previews for pictures and videos, never for SVG or pages', () => {
    expect(mayPreview('cat.png', null)).toBe(true);
    expect(mayPreview('clip.webm', null)).toBe(true);
    expect(mayPreview('x.bin', 'image/jpeg')).toBe(true);
    expect(mayPreview('logo.svg', 'image/svg+xml')).toBe(false);
    expect(mayPreview('cat.png', 'text/html')).toBe(false);
    expect(mayPreview('report.pdf', null)).toBe(false);
  });

  it('names a file by its address, decoded, without controls', () => {
    expect(nameOfAddress('https://f.example/a/b/My%20Photo.jpg')).toBe('My Photo.jpg');
    expect(nameOfAddress('https://f.example/a/evil%0Aname.png')).toBe('evilname.png');
  });
});
