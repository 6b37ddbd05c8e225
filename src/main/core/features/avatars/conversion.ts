/**
 * What our server does with our avatar and profile, as our account's disco#info says:
 * - XEP-0398: it converts between PEP avatars (XEP-0084) and vCard photos (XEP-0153) itself. Then our
 *   vCard photo is the server's to keep, and our PEP avatar's hash is the one our presence carries.
 * - With XEP-0398 and vCard4 (XEP-0292) both listed, the server keeps our vcard-temp as a vCard4 in
 *   PEP (Prosody's default mod_vcard4 + mod_vcard_legacy). Writing vcard-temp there makes the server
 *   purge our PEP avatar and publish it again from the photo, without its dimensions; so our profile
 *   goes to the vCard4 node instead, which vcard-temp readers are answered from.
 * Unknown (an error reply, no answer in time) counts as no: we then write vcard-temp, as before.
 */
import type { SessionXmpp } from '../../accounts/client';
import { NS_PEP_VCARD_CONVERSION, NS_VCARD4 } from '../../xmpp/ns';
import { ownAccountFeatures, type OwnFeatures } from '../../xmpp/own-features';

export async function serverConvertsAvatars(xmpp: SessionXmpp, own: string): Promise<boolean> {
  return convertsAvatars(await features(xmpp, own));
}

export async function serverKeepsProfileInPep(xmpp: SessionXmpp, own: string): Promise<boolean> {
  const listed = await features(xmpp, own);
  return convertsAvatars(listed) && listed.has(NS_VCARD4);
}

function convertsAvatars(listed: OwnFeatures): boolean {
  return listed.has(NS_PEP_VCARD_CONVERSION);
}

async function features(xmpp: SessionXmpp, own: string): Promise<OwnFeatures> {
  return ownAccountFeatures(xmpp, own).catch(() => new Set<string>());
}
