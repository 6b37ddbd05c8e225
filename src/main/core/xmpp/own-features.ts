/**
 * Our account's disco#info features (XEP-0030 on our bare JID: XEP-0402 '#compat', XEP-0398, vCard4...),
 * asked once per client and shared by every feature that needs them, so a login sends one question.
 * A new client (a new connection) asks again. An error reply is kept as the answer (the server will say
 * the same again); a reply that never comes is not, so the next caller asks again.
 */
import xml from '@xmpp/xml';
import type { IQCaller } from '@xmpp/iq/caller.js';
import { isTimeout } from '../util/stanza-errors';
import { iqGet } from './iq-get';
import { NS_DISCO_INFO } from './ns';

export type OwnFeatures = ReadonlySet<string>;

const answers = new WeakMap<object, Promise<OwnFeatures>>();

/** The features our account lists; rejects with the error reply or the timeout. */
export function ownAccountFeatures(xmpp: { iqCaller: IQCaller }, own: string): Promise<OwnFeatures> {
  let answer = answers.get(xmpp);
  if (!answer) {
    answer = ask(xmpp, own);
    answers.set(xmpp, answer);
    answer.catch((error: unknown) => {
      if (isTimeout(error) && answers.get(xmpp) === answer) answers.delete(xmpp);
    });
  }
  return answer;
}

async function ask(xmpp: { iqCaller: IQCaller }, own: string): Promise<OwnFeatures> {
  const info = await iqGet(xmpp, xml('query', { xmlns: NS_DISCO_INFO }), own);
  const features = new Set<string>();
  for (const feature of info?.getChildren('feature') ?? []) {
    if (typeof feature.attrs.var === 'string') features.add(feature.attrs.var);
  }
  return features;
}
