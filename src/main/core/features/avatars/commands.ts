/**
 * The profile and avatar commands: read a contact's profile (vcard-temp, else vCard4 in PEP), replace
 * our own profile (in vcard-temp, or the vCard4 a converting server keeps it in; the photo and the fields
 * we do not edit stay; the nickname also goes to PEP, XEP-0172), publish or
 * remove our own avatar (XEP-0084 data then metadata, and the vCard photo for XEP-0153 clients unless
 * our server converts between the two itself, XEP-0398).
 */
import { promises as fs } from 'node:fs';
import xml, { type Element } from '@xmpp/xml';
import type { IdentityView, ParsedInput, ProfileView } from '../../../../shared/contract';
import { fail, ok, type Result } from '../../../../shared/result';
import type { SessionXmpp } from '../../accounts/client';
import { createPepClient } from '../../../core/encryption/pep';
import type { Logger } from '../../log';
import { AVATAR_LIMITS } from '../../media/limits';
import { MEDIA_REASONS } from '../../media/previews';
import type { StagingArea } from '../../media/staging';
import type { MediaStore } from '../../media/store';
import { requestError, stanzaCondition } from '../../util/stanza-errors';
import { NS_AVATAR_DATA, NS_AVATAR_METADATA, NS_NICK, NS_VCARD, NS_VCARD4, NS_VCARD4_NODE } from '../../xmpp/ns';
import { IQ_TIMEOUT_MS } from '../../xmpp/timeouts';
import { serverKeepsProfileInPep } from './conversion';
import type { IdentityService } from './service';
import {
  dataElement,
  EMPTY_PROFILE,
  metadataElement,
  nickElement,
  readVcard4Profile,
  readVcardProfile,
  vcard4Element,
  vcardElement,
  vcardPhotoElement,
} from './stanzas';

/** Who may read what we publish: anyone (room occupants and people not in our roster too, as other clients do). */
const OPEN = { access_model: 'open' };

export interface ProfileCommandsOptions {
  identities: IdentityService;
  accountJid: (accountId: string) => string | null;
  media: () => { store: MediaStore; staging: StagingArea };
  log: Logger;
}

export class ProfileCommands {
  constructor(private readonly options: ProfileCommandsOptions) {}

  async get(input: ParsedInput<'profile.get'>): Promise<Result<ProfileView>> {
    const xmpp = this.options.identities.session(input.accountId);
    const own = this.options.accountJid(input.accountId);
    if (!xmpp || !own) return fail('not_connected', 'profile.notConnected');
    const to = input.jid === own ? null : input.jid;
    let profile = EMPTY_PROFILE;
    try {
      const vcard = await readVcard(xmpp, to);
      if (vcard) profile = readVcardProfile(vcard);
    } catch (error) {
      const condition = stanzaCondition(error);
      if (condition !== 'item-not-found' && condition !== 'service-unavailable')
        return requestError(error, { action: 'profile.read' });
    }
    if (!isEmpty(profile)) return ok(profile);
    // XEP-0292: some clients publish only a vCard4.
    try {
      const items = await createPepClient(xmpp, own).items(input.jid, NS_VCARD4_NODE);
      const vcard = items?.[0]?.getChild('vcard', NS_VCARD4);
      if (vcard) profile = readVcard4Profile(vcard);
    } catch (error) {
      this.options.log.info('a vCard4 could not be read', { error });
    }
    return ok(profile);
  }

  async setOwn(input: ParsedInput<'profile.setOwn'>): Promise<Result<ProfileView>> {
    const xmpp = this.options.identities.session(input.accountId);
    const own = this.options.accountJid(input.accountId);
    if (!xmpp || !own) return fail('not_connected', 'profile.notConnected');
    const profile: ProfileView = input.profile;
    try {
      if (await serverKeepsProfileInPep(xmpp, own)) await this.setOwnVcard4(xmpp, own, profile);
      else await xmpp.iqCaller.set(vcardElement(profile, await readOwnVcard(xmpp)), undefined, IQ_TIMEOUT_MS);
    } catch (error) {
      return requestError(error, { action: 'profile.save' });
    }
    try {
      await createPepClient(xmpp, own).publish(NS_NICK, 'current', nickElement(profile.nickname), OPEN);
      this.options.identities.nickChanged(input.accountId, own, profile.nickname);
    } catch (error) {
      this.options.log.info('our nickname could not be published', { error });
    }
    return ok(profile);
  }

  /** Our profile as the vCard4 a converting server answers vcard-temp readers from (see conversion.ts). */
  private async setOwnVcard4(xmpp: SessionXmpp, own: string, profile: ProfileView): Promise<void> {
    const pep = createPepClient(xmpp, own);
    const current = (await pep.items(own, NS_VCARD4_NODE))?.[0]?.getChild('vcard', NS_VCARD4) ?? null;
    await pep.publish(NS_VCARD4_NODE, 'current', vcard4Element(profile, current), OPEN);
  }

  async setAvatar(input: ParsedInput<'avatar.setOwn'>): Promise<Result<IdentityView>> {
    const { identities } = this.options;
    const xmpp = identities.session(input.accountId);
    const own = this.options.accountJid(input.accountId);
    if (!xmpp || !own) return fail('not_connected', 'profile.notConnected');
    const pep = createPepClient(xmpp, own);
    // Asked while we publish: the answer is needed only after. A server that converts keeps our vCard
    // photo itself, and would take a photo written by us for a new avatar: purge our PEP avatar and
    // publish it again with less metadata (Prosody's mod_vcard_legacy does).
    const converts = identities.serverConverts(input.accountId, own);
    if (input.file === null) {
      try {
        await pep.publish(NS_AVATAR_METADATA, 'current', metadataElement(null), OPEN);
      } catch (error) {
        return requestError(error, { action: 'avatar.publish' });
      }
      if (!(await converts)) await this.setVcardPhoto(xmpp, null);
      return ok(identities.ownAvatarSet(input.accountId, null, null));
    }
    const { staging, store } = this.options.media();
    const staged = staging.get(input.file);
    if (!staged) return fail('not_found', 'upload.fileGone');
    if (staged.size > AVATAR_LIMITS.maxBytes) return fail('invalid_input', 'media.tooLarge');
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(staged.file);
    } catch {
      return fail('not_found', 'upload.fileGone');
    }
    const kept = await store.ingest(bytes, 'sha1', AVATAR_LIMITS);
    if (!kept.ok) return fail('invalid_input', MEDIA_REASONS[kept.reason]);
    const { hash } = kept.key;
    const { mime, width, height } = kept.ref;
    try {
      // Data first, then the metadata that points at it (XEP-0084 §4.1).
      await pep.publish(NS_AVATAR_DATA, hash, dataElement(bytes), OPEN);
      await pep.publish(
        NS_AVATAR_METADATA,
        hash,
        metadataElement({ hash, bytes: bytes.length, mime, width, height }),
        OPEN,
      );
    } catch (error) {
      return requestError(error, { action: 'avatar.publish' });
    }
    if (!(await converts)) await this.setVcardPhoto(xmpp, vcardPhotoElement(mime, bytes));
    await staging.release(input.file).catch(() => {});
    return ok(identities.ownAvatarSet(input.accountId, hash, kept.ref));
  }

  /** Our vCard with this photo (XEP-0153 clients see it); the rest of the vCard stays. A failure only logs. */
  private async setVcardPhoto(xmpp: SessionXmpp, photo: Element | null): Promise<void> {
    try {
      const current = (await readOwnVcard(xmpp)) ?? xml('vCard', { xmlns: NS_VCARD });
      const kept = current.children.filter((child) => typeof child === 'string' || child.name !== 'PHOTO');
      const vcard = xml('vCard', { xmlns: NS_VCARD }, ...kept, photo);
      await xmpp.iqCaller.set(vcard, undefined, IQ_TIMEOUT_MS);
    } catch (error) {
      this.options.log.info('our vCard photo could not be saved', { error });
    }
  }
}

/**
 * Our stored vCard, to write it back with only the profile changed; null when we have none. Any other
 * failure throws: writing without what is stored would lose the photo and the fields we do not edit.
 */
async function readOwnVcard(xmpp: SessionXmpp): Promise<Element | null> {
  try {
    return await readVcard(xmpp, null);
  } catch (error) {
    if (stanzaCondition(error) === 'item-not-found') return null;
    throw error;
  }
}

/** A vCard (to a JID, or our own), or null when the reply has none. */
async function readVcard(xmpp: SessionXmpp, to: string | null): Promise<Element | null> {
  const reply = await xmpp.iqCaller.request(
    xml('iq', to ? { type: 'get', to } : { type: 'get' }, xml('vCard', { xmlns: NS_VCARD })),
    IQ_TIMEOUT_MS,
  );
  return reply.getChild('vCard', NS_VCARD) ?? null;
}

function isEmpty(profile: ProfileView): boolean {
  return Object.values(profile).every((value) => value === null);
}
