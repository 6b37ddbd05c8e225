/**
 * The faces message rows show beside a sender's name: one per sender (account, JID, colour and
 * name), shared by every row of theirs, so a row draws the face's markup itself with no component,
 * computed or watcher of its own (a view that jumped mounts new rows every frame, and an
 * AvatarImage per head row was one more component each). The same faces as AvatarImage's small,
 * undeferred ones: the verified picture once the sender has one, else their initials on their
 * XEP-0392 colour; a picture that fails to load falls back to the initials in every row of theirs
 * until their avatar changes.
 */
import { computed, shallowRef } from 'vue';
import type { MediaRef } from '../../../../shared/contract';
import { mediaUrl } from '../../api/media';
import { colourFor, initialsInk, initialsOf } from '../../lib/avatar';

export interface SenderFace {
  /** The picture's URL, or null: show the initials (reading it makes a render follow the avatar). */
  readonly src: string | null;
  readonly initials: string;
  /** The colours, as custom properties (set through the CSSOM: the CSP forbids style attributes). */
  readonly style: Readonly<Record<string, string>>;
  /** The picture failed to load: the initials until the avatar changes. */
  onError(): void;
}

/** Where a sender's avatar is known (the identities store). */
export interface AvatarSource {
  get(accountId: string, jid: string): { avatar: Pick<MediaRef, 'id'> | null } | undefined;
}

/** Faces kept at most (senders seen lately, in practice); past it they are made again. */
const MAX_FACES = 1_000;
const faces = new Map<string, SenderFace>();
let facesOf: AvatarSource | null = null;

/** The shared face of the sender whose identity is `jid` on `accountId`, coloured by `colourKey`, named `name`. */
export function senderFace(
  identities: AvatarSource,
  accountId: string,
  jid: string,
  colourKey: string,
  name: string,
): SenderFace {
  if (identities !== facesOf || faces.size >= MAX_FACES) {
    faces.clear();
    facesOf = identities;
  }
  const key = `${accountId}\n${jid}\n${colourKey}\n${name}`;
  let face = faces.get(key);
  if (!face) {
    face = makeFace(identities, accountId, jid, colourKey, name);
    faces.set(key, face);
  }
  return face;
}

function makeFace(identities: AvatarSource, accountId: string, jid: string, colourKey: string, name: string) {
  const url = computed(() => {
    const avatar = identities.get(accountId, jid)?.avatar;
    return avatar ? mediaUrl(avatar) : null;
  });
  /** The URL that failed to load: the initials until the avatar's URL changes. */
  const broken = shallowRef<string | null>(null);
  const src = computed(() => (url.value !== broken.value ? url.value : null));
  const style = computed(() => ({ '--avatar-bg': colourFor(colourKey), '--avatar-ink': initialsInk() }));
  return {
    get src() {
      return src.value;
    },
    initials: initialsOf(name),
    get style() {
      return style.value;
    },
    onError() {
      broken.value = url.value;
    },
  };
}
