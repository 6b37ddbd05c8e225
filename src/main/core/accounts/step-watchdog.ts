/**
 * A time limit per step of signing in: every stream header or element the server sends starts the
 * next step, and a step with nothing from the server for `ms` is a stall. So a tarpit (no header),
 * a TLS handshake, SASL exchange or bind that is never answered, or a header dribbled a byte at a
 * time, fails in one step's time, while a slow but answering server is never cut off by the total.
 */
import type { EventEmitter } from 'node:events';

/** Calls `onStall` once when `entity` has sent nothing for `ms`; returns the function that stops watching. */
export function watchSteps(entity: EventEmitter, ms: number, onStall: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const nextStep = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stop();
      onStall();
    }, ms);
  };
  const stop = () => {
    clearTimeout(timer);
    entity.off('element', nextStep);
    entity.off('open', nextStep);
  };
  entity.on('element', nextStep);
  entity.on('open', nextStep);
  nextStep();
  return stop;
}
