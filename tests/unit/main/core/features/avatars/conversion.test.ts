/**
 * XEP-0398 discovery on our own account: only a disco#info that lists the feature counts as a
 * converting server; an error reply or a reply that never comes counts as no, so the vCard photo is
 * still written for XEP-0153 clients. Our profile goes to vCard4 in PEP only where the server also lists
 * vCard4, as Prosody's vCard4-backed vcard-temp does.
 */
import xml, { type Element } from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import type { SessionXmpp } from '../../../../../../src/main/core/accounts/client';
import {
  serverConvertsAvatars,
  serverKeepsProfileInPep,
} from '../../../../../../src/main/core/features/avatars/conversion';
import { NS_DISCO_INFO, NS_PEP_VCARD_CONVERSION, NS_VCARD4 } from '../../../../../../src/main/core/xmpp/ns';

function answering(reply: () => Promise<Element | undefined>) {
  const asked: { payload: Element; to: string | undefined }[] = [];
  const xmpp = {
    iqCaller: {
      get: (payload: Element, to?: string) => {
        asked.push({ payload, to });
        return reply();
      },
    },
  } as unknown as SessionXmpp;
  return { xmpp, asked };
}

const info = (...features: string[]) =>
  xml('query', { xmlns: NS_DISCO_INFO }, ...features.map((name) => xml('feature', { var: name })));

describe('serverConvertsAvatars', () => {
  it('asks our own bare JID and says yes only when the feature is listed', async () => {
    const yes = answering(async () => info('vcard-temp', NS_PEP_VCARD_CONVERSION));
    expect(await serverConvertsAvatars(yes.xmpp, 'me@example.org')).toBe(true);
    expect(yes.asked[0]!.to).toBe('me@example.org');
    expect(yes.asked[0]!.payload.attrs.xmlns).toBe(NS_DISCO_INFO);

    expect(await serverConvertsAvatars(answering(async () => info('vcard-temp')).xmpp, 'me@example.org')).toBe(false);
    expect(await serverConvertsAvatars(answering(async () => undefined).xmpp, 'me@example.org')).toBe(false);
  });

  it('says no on an error reply or a reply that never comes (the caller times out)', async () => {
    const refused = answering(() =>
      Promise.reject(Object.assign(new Error('service-unavailable'), { condition: 'service-unavailable' })),
    );
    expect(await serverConvertsAvatars(refused.xmpp, 'me@example.org')).toBe(false);
    const silent = answering(() => Promise.reject(Object.assign(new Error('timeout'), { name: 'TimeoutError' })));
    expect(await serverConvertsAvatars(silent.xmpp, 'me@example.org')).toBe(false);
  });

  it('does not take a feature named in something other than a feature element', async () => {
    const odd = answering(async () =>
      xml(
        'query',
        { xmlns: NS_DISCO_INFO },
        xml('identity', { var: NS_PEP_VCARD_CONVERSION }),
        NS_PEP_VCARD_CONVERSION,
      ),
    );
    expect(await serverConvertsAvatars(odd.xmpp, 'me@example.org')).toBe(false);
  });

  it("keeps our profile in PEP only where the server converts and lists vCard4 (Prosody's default)", async () => {
    const both = answering(async () => info(NS_PEP_VCARD_CONVERSION, NS_VCARD4));
    expect(await serverKeepsProfileInPep(both.xmpp, 'me@example.org')).toBe(true);
    // One question for both answers on the same client.
    expect(await serverConvertsAvatars(both.xmpp, 'me@example.org')).toBe(true);
    expect(both.asked).toHaveLength(1);

    const vcard4Only = answering(async () => info(NS_VCARD4, 'vcard-temp'));
    expect(await serverKeepsProfileInPep(vcard4Only.xmpp, 'me@example.org')).toBe(false);
    const conversionOnly = answering(async () => info(NS_PEP_VCARD_CONVERSION));
    expect(await serverKeepsProfileInPep(conversionOnly.xmpp, 'me@example.org')).toBe(false);
    const silent = answering(() => Promise.reject(Object.assign(new Error('timeout'), { name: 'TimeoutError' })));
    expect(await serverKeepsProfileInPep(silent.xmpp, 'me@example.org')).toBe(false);
  });
});
