/**
 * The contract's types for control and discovery: the block list (XEP-0191), creating and managing
 * the account on the server (XEP-0077), service discovery (XEP-0030) with ad-hoc commands (XEP-0050)
 * and what a contact's client says about itself (XEP-0092, XEP-0012, XEP-0202), the XML console,
 * and `xmpp:` links. The commands using them are in contract.ts; forms are in forms.ts.
 */
import { z } from 'zod';
import { FORM_FIELDS_MAX, FORM_VALUES_MAX, FORM_VALUE_MAX, type DataForm } from './forms';
import type { XmppUriResult } from './xmpp-uri';

// ---------- block list (XEP-0191) ----------

/** An account's block list as the server holds it (known once fetched in this session). */
export interface BlocklistView {
  accountId: string;
  /** Blocked addresses (bare, full or domain JIDs), normalized, in the order the server listed them. */
  blocked: string[];
}

// ---------- the account on the server (XEP-0077) ----------

/** An in-band registration in progress: the server's form (or its legacy fields as one). */
export interface RegistrationView {
  /** Names this registration in registration.submit and registration.cancel. */
  id: string;
  domain: string;
  /** The server's words on what to fill in (legacy <instructions/>, or the form's own). */
  instructions: string | null;
  /** What to fill in: the server's data form, or its legacy fields read as one (text-private for the password). */
  form: DataForm;
  /** The server offered only the legacy fields (no data form). */
  legacy: boolean;
}

// ---------- service discovery (XEP-0030, XEP-0050, XEP-0092, XEP-0012, XEP-0202) ----------

export interface DiscoIdentityView {
  category: string;
  type: string;
  name: string | null;
  lang: string | null;
}

export interface DiscoInfoView {
  jid: string;
  node: string | null;
  identities: DiscoIdentityView[];
  features: string[];
  /** XEP-0128 extended information (server contact addresses, software information, …). */
  forms: DataForm[];
}

export interface DiscoItemView {
  jid: string;
  node: string | null;
  name: string | null;
}

export interface DiscoItemsView {
  jid: string;
  node: string | null;
  items: DiscoItemView[];
  /** More items than Jabberwock keeps were listed; the rest are left out. */
  truncated: boolean;
}

/** One ad-hoc command an entity offers. */
export interface AdhocCommandView {
  jid: string;
  node: string;
  name: string | null;
}

export type AdhocAction = 'execute' | 'next' | 'prev' | 'complete';

export interface AdhocNoteView {
  type: 'info' | 'warn' | 'error';
  text: string;
}

/** Where an ad-hoc command stands after a step. */
export interface AdhocStepView {
  /** Names this run in adhoc.continue and adhoc.cancel (ours; the entity's own session id stays in the core). */
  sessionId: string;
  jid: string;
  node: string;
  status: 'executing' | 'completed' | 'canceled';
  /** What the next step may be (empty when completed or canceled). */
  actions: Exclude<AdhocAction, 'execute'>[];
  /** The action of a plain "submit". */
  defaultAction: Exclude<AdhocAction, 'execute'> | null;
  form: DataForm | null;
  notes: AdhocNoteView[];
}

/** XEP-0092: the software behind an address, as it says. */
export interface SoftwareVersionView {
  name: string | null;
  version: string | null;
  os: string | null;
}

/** XEP-0012: seconds since the last activity (an account: since it went offline; a client: idle; a server: uptime). */
export interface LastActivityView {
  seconds: number;
  status: string | null;
}

/** XEP-0202: the entity's clock. */
export interface EntityTimeView {
  /** Its time in UTC (ISO 8601, as it said). */
  utc: string;
  /** Its offset from UTC, e.g. '+02:00'. */
  tzo: string;
  offsetMinutes: number;
  /** Its clock minus ours, in seconds (rounded); large values mean a wrong clock. */
  skewSeconds: number;
}

// ---------- XML console ----------

/** One stanza in or out, as text, with secrets already replaced in the core. */
export interface ConsoleEntryView {
  id: number;
  at: number;
  direction: 'in' | 'out';
  text: string;
  /** Something in it was replaced by "[redacted]" (SASL, passwords, upload addresses). */
  redacted: boolean;
  /** It was longer than the console keeps per stanza and was cut. */
  truncated: boolean;
}

export interface ConsoleView {
  accountId: string;
  /** Stanzas are being recorded (off by default; recording costs time on every stanza). */
  capturing: boolean;
  /** What the ring buffer holds, oldest first. */
  entries: ConsoleEntryView[];
}

// ---------- events ----------

export type ControlEvent =
  /** The account's whole block list, after it was fetched or changed (here or by another of our clients). */
  | { type: 'blocklist.changed'; accountId: string; blocked: string[] }
  /** Stanzas recorded since the last batch (capturing only). */
  | { type: 'console.entries'; accountId: string; entries: ConsoleEntryView[] }
  /** The operating system handed over an `xmpp:` link: the renderer shows its dialog (or why it was refused). */
  | { type: 'ui.openXmppUri'; result: XmppUriResult };

// ---------- input schemas ----------

/** What the user entered in a form: values per field var (left-out fields keep theirs). */
export const formValuesSchema = z
  .record(z.string().max(1024), z.array(z.string().max(FORM_VALUE_MAX)).max(FORM_VALUES_MAX))
  .refine((values) => Object.keys(values).length <= FORM_FIELDS_MAX, 'check.formTooManyFields');

/** A disco node (XEP-0030): any text the entity named. */
export const discoNodeSchema = z.string().min(1).max(3071);

/** A raw stanza typed in the console. */
export const CONSOLE_STANZA_MAX = 64 * 1024;
