/**
 * The faces beside senders' names in the message list (components/chat/sender-faces.ts): one face
 * per sender shared by every row of theirs, showing what AvatarImage shows (the verified picture,
 * else initials on the XEP-0392 colour), following the identities store, and falling back to the
 * initials when the picture fails until the avatar changes.
 */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { IdentityView } from '../../../../../src/shared/contract';
import { senderFace } from '../../../../../src/renderer/src/components/chat/sender-faces';
import { mediaUrl } from '../../../../../src/renderer/src/api/media';
import { colourFor, initialsInk } from '../../../../../src/renderer/src/lib/avatar';
import { useIdentitiesStore } from '../../../../../src/renderer/src/stores/identities';

const REF = { id: 'A'.repeat(22), mime: 'image/png' as const, size: 10, width: 8, height: 8 };
const OTHER = { ...REF, id: 'B'.repeat(22) };
const romeo: IdentityView = { accountId: 'a1', jid: 'romeo@example.org', avatar: null, nick: null };

beforeEach(() => setActivePinia(createPinia()));

describe('senderFace', () => {
  it('is one face per sender, shared by all their rows', () => {
    const identities = useIdentitiesStore();
    const a = senderFace(identities, 'a1', 'romeo@example.org', 'romeo@example.org', 'Romeo');
    expect(senderFace(identities, 'a1', 'romeo@example.org', 'romeo@example.org', 'Romeo')).toBe(a);
    expect(senderFace(identities, 'a1', 'juliet@example.org', 'juliet@example.org', 'Juliet')).not.toBe(a);
    expect(senderFace(identities, 'a2', 'romeo@example.org', 'romeo@example.org', 'Romeo')).not.toBe(a);
    // Renamed: the initials follow the name.
    expect(senderFace(identities, 'a1', 'romeo@example.org', 'romeo@example.org', 'Romeo Montague').initials).toBe(
      'RM',
    );
  });

  it('shows the initials on the sender colour until a picture is known, then the picture', () => {
    const identities = useIdentitiesStore();
    identities.applyEvents([{ type: 'identity', identity: romeo }]);
    const face = senderFace(identities, 'a1', 'romeo@example.org', 'romeo@example.org', 'Romeo');
    expect(face.src).toBeNull();
    expect(face.initials).toBe('R');
    expect(face.style).toEqual({ '--avatar-bg': colourFor('romeo@example.org'), '--avatar-ink': initialsInk() });
    identities.applyEvents([{ type: 'identity', identity: { ...romeo, avatar: REF } }]);
    expect(face.src).toBe(mediaUrl(REF));
  });

  it('falls back to the initials when the picture fails, until the avatar changes', () => {
    const identities = useIdentitiesStore();
    identities.applyEvents([{ type: 'identity', identity: { ...romeo, avatar: REF } }]);
    const face = senderFace(identities, 'a1', 'romeo@example.org', 'romeo@example.org', 'Romeo');
    expect(face.src).toBe(mediaUrl(REF));
    face.onError();
    expect(face.src).toBeNull();
    // Every row of theirs shares it: the same face, still the initials.
    expect(senderFace(identities, 'a1', 'romeo@example.org', 'romeo@example.org', 'Romeo').src).toBeNull();
    identities.applyEvents([{ type: 'identity', identity: { ...romeo, avatar: OTHER } }]);
    expect(face.src).toBe(mediaUrl(OTHER));
  });

  it('starts over with another identities store (another page)', () => {
    const first = useIdentitiesStore();
    const face = senderFace(first, 'a1', 'romeo@example.org', 'romeo@example.org', 'Romeo');
    setActivePinia(createPinia());
    const second = useIdentitiesStore();
    second.applyEvents([{ type: 'identity', identity: { ...romeo, avatar: REF } }]);
    const again = senderFace(second, 'a1', 'romeo@example.org', 'romeo@example.org', 'Romeo');
    expect(again).not.toBe(face);
    expect(again.src).toBe(mediaUrl(REF));
  });
});
