/**
 * What a shell catalog is: English's keys, each a message or a plural. The catalogs are data
 * (<language>.json): en.json is the source the others translate, {name} is a placeholder, and a
 * plural lists a form per Intl.PluralRules category ({count} is the number, written for the
 * language). The tooltip's first group carries the noun: "2 accounts online, 1 reconnecting".
 */
import type EN from './en.json';

/** A message with a form per plural category its language has ('other' always). */
export type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

type English = typeof EN;
export type ShellCatalog = { [K in keyof English]: English[K] extends string ? string : Plural };
export type TextKey = { [K in keyof English]: English[K] extends string ? K : never }[keyof English];
export type PluralKey = Exclude<keyof English, TextKey>;
