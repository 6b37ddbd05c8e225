/**
 * XEP-0398: whether our server converts between PEP avatars (XEP-0084) and vCard photos (XEP-0153)
 * itself, as it says in our account's disco#info. Then our vCard photo is the server's to keep, and
 * our PEP avatar's hash is the one our presence carries.
 */
import xml from '@xmpp/xml';
import type { SessionXmpp } from '../../accounts/client';
import { iqGet } from '../../xmpp/iq-get';
import { NS_DISCO_INFO, NS_PEP_VCARD_CONVERSION } from '../../xmpp/ns';

/** Unknown (an error reply, no answer in time) counts as no: we then keep the vCard photo ourselves, as before. */
export async function serverConvertsAvatars(xmpp: SessionXmpp, own: string): Promise<boolean> {
  try {
    const info = await iqGet(xmpp, xml('query', { xmlns: NS_DISCO_INFO }), own);
    return info?.getChildren('feature').some((feature) => feature.attrs.var === NS_PEP_VCARD_CONVERSION) ?? false;
  } catch {
    return false;
  }
}
