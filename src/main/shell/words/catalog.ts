/** What a shell catalog is: English's keys (en.ts), each a message or a plural. */
import type { EN } from './en';

/** A message with a form per plural category its language has ('other' always). */
export type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

type English = typeof EN;
export type ShellCatalog = { [K in keyof English]: English[K] extends string ? string : Plural };
export type TextKey = { [K in keyof English]: English[K] extends string ? K : never }[keyof English];
export type PluralKey = Exclude<keyof English, TextKey>;
