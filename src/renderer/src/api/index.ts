import { inject, type InjectionKey } from 'vue';
import type { Transport } from './types';

export const transportKey: InjectionKey<Transport> = Symbol('transport');

/** The transport provided by main.ts (components call commands through it). */
export function useApi(): Transport {
  const transport = inject(transportKey);
  if (!transport) throw new Error('No transport provided.');
  return transport;
}
