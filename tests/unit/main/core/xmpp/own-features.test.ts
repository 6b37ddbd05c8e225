/**
 * Our account's disco#info, shared: one question per client whoever asks (bookmarks, avatars, the
 * profile), asked again after a reply that never came, and not after an error reply.
 */
import xml, { type Element } from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import { ownAccountFeatures } from '../../../../../src/main/core/xmpp/own-features';
import { NS_DISCO_INFO } from '../../../../../src/main/core/xmpp/ns';

function server(replies: Array<() => Promise<Element | undefined>>) {
  const asked: Array<string | undefined> = [];
  const xmpp = {
    iqCaller: {
      get: (_payload: Element, to?: string) => {
        asked.push(to);
        const reply = replies[Math.min(asked.length - 1, replies.length - 1)]!;
        return reply();
      },
    },
  } as unknown as Parameters<typeof ownAccountFeatures>[0];
  return { xmpp, asked };
}

const info = (...features: string[]) =>
  xml('query', { xmlns: NS_DISCO_INFO }, ...features.map((name) => xml('feature', { var: name })));
const timeout = () => Promise.reject(Object.assign(new Error('timeout'), { name: 'TimeoutError' }));
const refused = () =>
  Promise.reject(Object.assign(new Error('forbidden'), { name: 'StanzaError', condition: 'forbidden' }));

describe('ownAccountFeatures', () => {
  it('asks our bare JID once per client, however many ask, and lists only <feature/> vars', async () => {
    const { xmpp, asked } = server([
      async () => xml('query', { xmlns: NS_DISCO_INFO }, xml('identity', { var: 'x' }), xml('feature', { var: 'a' })),
    ]);
    const [first, second] = await Promise.all([ownAccountFeatures(xmpp, 'me@x'), ownAccountFeatures(xmpp, 'me@x')]);
    expect([...first]).toEqual(['a']);
    expect(second).toBe(first);
    expect(await ownAccountFeatures(xmpp, 'me@x')).toBe(first);
    expect(asked).toEqual(['me@x']);

    const other = server([async () => info('b')]);
    expect([...(await ownAccountFeatures(other.xmpp, 'me@x'))]).toEqual(['b']);
    expect(other.asked).toHaveLength(1);
  });

  it('asks again after a reply that never came, but keeps an error reply', async () => {
    const silent = server([timeout, async () => info('a')]);
    await expect(ownAccountFeatures(silent.xmpp, 'me@x')).rejects.toMatchObject({ name: 'TimeoutError' });
    expect([...(await ownAccountFeatures(silent.xmpp, 'me@x'))]).toEqual(['a']);
    expect(silent.asked).toHaveLength(2);

    const refusing = server([refused, async () => info('a')]);
    await expect(ownAccountFeatures(refusing.xmpp, 'me@x')).rejects.toMatchObject({ condition: 'forbidden' });
    await expect(ownAccountFeatures(refusing.xmpp, 'me@x')).rejects.toMatchObject({ condition: 'forbidden' });
    expect(refusing.asked).toHaveLength(1);
  });

  it('takes an empty result as no features', async () => {
    const { xmpp } = server([async () => undefined]);
    expect((await ownAccountFeatures(xmpp, 'me@x')).size).toBe(0);
  });
});
