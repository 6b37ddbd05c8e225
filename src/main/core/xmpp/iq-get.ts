/**
 * An IQ get as the features send it: the payload to ask for, whom to ask (our account when
 * undefined), within the command time limit unless the caller has its own.
 */
import type { IQCaller } from '@xmpp/iq/caller.js';
import type { Element } from '@xmpp/xml';
import { IQ_TIMEOUT_MS } from './timeouts';

/** The result's payload, undefined when the result is empty; an error reply or a timeout throws. */
export async function iqGet(
  xmpp: { iqCaller: IQCaller },
  payload: Element,
  to?: string,
  timeoutMs = IQ_TIMEOUT_MS,
): Promise<Element | undefined> {
  return (await xmpp.iqCaller.get(payload, to, timeoutMs)) as Element | undefined;
}
