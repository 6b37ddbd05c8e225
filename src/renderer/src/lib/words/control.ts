/**
 * Control and discovery in words: the errors of the block list, registration and the account on the
 * server, service discovery and ad-hoc commands, the XML console and data forms (their reasons
 * from src/shared/errors.ts), the requests of those features (request.* with a control action),
 * a form field's issues (src/shared/forms.ts) and why an `xmpp:` link was refused.
 */
import type { AppErrorOf, ControlRequestAction, DomainReason, RequestAction } from '../../../../shared/errors';
import type { FormIssue, FormProblem } from '../../../../shared/forms';
import type { XmppUriReason } from '../../../../shared/xmpp-uri';
import { certificateProblemText, connectionErrorText } from './connection';

/** The domains worded here. */
export const CONTROL_DOMAINS = ['form', 'blocking', 'registration', 'disco', 'adhoc', 'console'] as const;
type ControlDomain = (typeof CONTROL_DOMAINS)[number];
export type ControlError = AppErrorOf<DomainReason<ControlDomain>>;

/** What each request was for ("the server did not answer …"). */
const REQUESTS: Readonly<Record<ControlRequestAction, string>> = {
  'blocking.list': 'the request for the block list',
  'blocking.block': 'the block',
  'blocking.unblock': 'the unblock',
  'registration.form': 'the request for the registration form',
  'registration.submit': 'the registration',
  'registration.passwordChange': 'the password change',
  'registration.removal': 'the removal of the account',
  'disco.info': 'the request for its information',
  'disco.items': 'the request for its items',
  'adhoc.list': 'the request for its commands',
  'adhoc.execute': 'the command',
  'entity.version': 'the request for its software version',
  'entity.lastActivity': 'the request for its last activity',
  'entity.time': 'the request for its local time',
};

const CONTROL_ACTIONS = new Set<string>(Object.keys(REQUESTS));

export function isControlRequest(action: RequestAction): action is ControlRequestAction {
  return CONTROL_ACTIONS.has(action);
}

/** Conditions whose words are the same for every control request. */
const CONDITIONS: Readonly<Record<string, (what: string) => string>> = {
  forbidden: (what) => `The server does not allow ${what}.`,
  'not-allowed': (what) => `The server does not allow ${what}.`,
  'not-authorized': (what) => `The server does not allow ${what} without more rights.`,
  'service-unavailable': () => 'That address does not offer this (service-unavailable).',
  'feature-not-implemented': () => 'That address does not offer this (feature-not-implemented).',
  'item-not-found': () => 'There is no such item there (item-not-found).',
  'remote-server-not-found': () => 'That server could not be reached (remote-server-not-found).',
  'remote-server-timeout': () => 'That server did not answer in time (remote-server-timeout).',
  'bad-request': (what) => `The server refused ${what} as invalid (bad-request).`,
  'not-acceptable': (what) => `The server refused ${what} as invalid (not-acceptable).`,
  'jid-malformed': () => 'The server refused the address as malformed.',
  'resource-constraint': (what) => `The server is too busy for ${what} now.`,
  'policy-violation': (what) => `The server's rules do not allow ${what}.`,
};

/** Conditions of registration that mean something particular (XEP-0077 §3.1, §3.2). */
const REGISTRATION_CONDITIONS: Readonly<Record<string, string>> = {
  conflict: 'That username is taken; choose another.',
  'not-acceptable': 'The server refused the registration: a field is missing or not acceptable.',
  'not-allowed': 'The server does not allow creating accounts from a client.',
  'service-unavailable': 'The server does not offer creating accounts from a client.',
  'resource-constraint': 'The server refused for now: too many registrations from here. Try again later.',
};

/** A refused, unanswered or dropped request of control and discovery. */
export function controlRequestText(error: AppErrorOf<DomainReason<'request'>>): string {
  const action = error.params.action as ControlRequestAction;
  const what = REQUESTS[action];
  switch (error.reason) {
    case 'request.timeout':
      return `The server did not answer ${what} in time.`;
    case 'request.dropped':
      return `The connection dropped before ${what} was answered.`;
    case 'request.refused': {
      const { condition, text } = error.params;
      const said = text ? ` The server said: ${text}` : '';
      const registration =
        action === 'registration.submit' && condition !== null ? REGISTRATION_CONDITIONS[condition] : undefined;
      if (registration) return `${registration}${said}`;
      const words = condition === null ? undefined : CONDITIONS[condition];
      if (words) return `${words(what)}${said}`;
      return `The server refused ${what} (${condition ?? 'unknown error'}).${said}`;
    }
  }
}

/** Why a form could not be shown. */
export function formProblemText(problem: FormProblem): string {
  switch (problem.code) {
    case 'form.notAForm':
      return 'The answer held no form.';
    case 'form.tooManyFields':
      return `The form has more than ${problem.max} fields, more than Jabberwock shows.`;
    case 'form.tooManyOptions':
      return `A field of the form offers more than ${problem.max} choices, more than Jabberwock shows.`;
    case 'form.tooManyValues':
      return `A field of the form has more than ${problem.max} values, more than Jabberwock shows.`;
    case 'form.duplicateVar':
      return `The form names the field “${problem.var}” twice.`;
    case 'form.missingVar':
      return 'A field of the form has no name.';
    case 'form.unknownType':
      return `A field of the form has an unknown type (${problem.type}).`;
    case 'form.badValidate':
      return `The form's rules for “${problem.var}” cannot be read.`;
    case 'form.badLayout':
      return 'The form’s layout cannot be read.';
  }
}

/** What is wrong with a field's value. */
export function formIssueText(issue: FormIssue): string {
  const p = issue.params ?? {};
  switch (issue.code) {
    case 'form.field.unknown':
      return 'The form has no such field.';
    case 'form.field.readOnly':
      return 'This field cannot be changed.';
    case 'form.field.required':
      return 'Fill this in.';
    case 'form.field.tooManyValues':
      return p.max === 1 ? 'Give only one value.' : `Give at most ${p.max} values.`;
    case 'form.field.tooLong':
      return 'This is too long.';
    case 'form.field.singleLine':
      return 'Keep this on one line.';
    case 'form.field.boolean':
      return 'Choose yes or no.';
    case 'form.field.jid':
      return `“${p.value}” is not an address like name@example.org.`;
    case 'form.field.option':
      return `“${p.value}” is not one of the choices.`;
    case 'form.field.listRange':
      return `Choose between ${p.min} and ${p.max}.`;
    case 'form.field.datatype':
      return DATATYPES[String(p.datatype)] ?? `Enter a value of type ${p.datatype}.`;
    case 'form.field.range':
      return rangeText(String(p.min ?? ''), String(p.max ?? ''));
    case 'form.field.regex':
      return 'This does not have the form the server asks for.';
  }
}

const DATATYPES: Readonly<Record<string, string>> = {
  'xs:integer': 'Enter a whole number.',
  'xs:int': 'Enter a whole number.',
  'xs:long': 'Enter a whole number.',
  'xs:short': 'Enter a whole number between -32768 and 32767.',
  'xs:byte': 'Enter a whole number between -128 and 127.',
  'xs:decimal': 'Enter a number.',
  'xs:double': 'Enter a number.',
  'xs:boolean': 'Choose yes or no.',
  'xs:date': 'Enter a date like 2025-01-31.',
  'xs:dateTime': 'Enter a date and time like 2025-01-31T14:00:00Z.',
  'xs:time': 'Enter a time like 14:00:00.',
  'xs:language': 'Enter a language code like en or de-CH.',
  'xs:anyURI': 'Enter an address without spaces.',
};

function rangeText(min: string, max: string): string {
  if (min !== '' && max !== '') return `Enter a value from ${min} to ${max}.`;
  if (min !== '') return `Enter ${min} or more.`;
  return `Enter ${max} or less.`;
}

export function controlErrorText(error: ControlError): string {
  switch (error.reason) {
    case 'form.invalid': {
      const count = error.params.issues.length;
      return count === 1 ? 'One field is not filled in correctly.' : `${count} fields are not filled in correctly.`;
    }
    case 'form.unusable':
      return `Jabberwock cannot show this form. ${formProblemText(error.params.problem)}`;
    case 'blocking.unsupported':
      return 'This account’s server does not offer blocking (XEP-0191).';
    case 'blocking.notConnected':
      return 'This account is not connected; connect it to change the block list.';
    case 'registration.connectFailed': {
      const { connection, certificate } = error.params;
      const because = connectionErrorText({ kind: 'other', ...connection });
      const problem = certificate ? ` ${certificateProblemText(certificate.problem)}` : '';
      return `Could not connect to create the account. ${because}${problem}`;
    }
    case 'registration.malformed':
      return 'The server’s answer held no registration form.';
    case 'registration.formUnsupported':
      return 'The server’s registration form asks for nothing Jabberwock can fill in (no username and password).';
    case 'registration.web':
      return `This server creates accounts on its web site only: ${error.params.url}`;
    case 'registration.gone':
      return 'This registration is no longer open; start again.';
    case 'registration.usernameInvalid':
      return 'That username cannot be part of an address; choose another.';
    case 'registration.formRequired':
      return 'The server asks for more than the new password; change it on the server’s web site.';
    case 'registration.notConnected':
      return 'This account is not connected; connect it first.';
    case 'disco.notConnected':
      return 'This account is not connected; connect it to ask.';
    case 'disco.malformed':
      return `The answer to ${REQUESTS[error.params.action]} could not be read.`;
    case 'adhoc.notConnected':
      return 'This account is not connected; connect it to run commands.';
    case 'adhoc.gone':
      return 'This command is no longer running.';
    case 'adhoc.mismatch':
      return 'The answer did not belong to this command; it was ended.';
    case 'adhoc.actionNotAllowed':
      return `This step cannot be answered with “${error.params.action}”.`;
    case 'console.notConnected':
      return 'This account is not connected; connect it to send.';
    case 'console.notSent':
      return 'The connection dropped before it was sent.';
    case 'console.xmlMalformed':
      return 'That is not well-formed XML.';
    case 'console.xmlRestricted':
      return 'XMPP does not allow that XML (no DOCTYPE, entities, comments or processing instructions).';
    case 'console.xmlNotOne':
      return 'Type exactly one stanza.';
    case 'console.xmlNotStanza':
      return 'Only a message, presence or iq can be sent from here.';
    case 'console.xmlNamespace':
      return 'A stanza sent from here is in the jabber:client namespace.';
    case 'console.xmlIqType':
      return 'An iq needs a type: get, set, result or error.';
  }
}

/** Why an `xmpp:` link was not opened. */
export function xmppUriErrorText(reason: XmppUriReason, params: Record<string, string> = {}): string {
  switch (reason) {
    case 'uri.scheme':
      return 'This is not an xmpp: link.';
    case 'uri.tooLong':
      return 'This xmpp: link is too long.';
    case 'uri.encoding':
      return 'This xmpp: link is not encoded correctly.';
    case 'uri.jid.invalid':
      return 'The address in this xmpp: link is not valid.';
    case 'uri.jid.room':
      return 'To join, an xmpp: link names a room like room@conference.example.org.';
    case 'uri.account.invalid':
      return 'The account named in this xmpp: link is not a valid address.';
    case 'uri.action.unknown':
      return `This xmpp: link asks for something Jabberwock does not know${params.action ? ` (${params.action})` : ''}.`;
    case 'uri.action.unsupported':
      return `Jabberwock does not open xmpp: links that ${params.action ? `ask for “${params.action}”` : 'ask for this'} yet.`;
    case 'uri.param.duplicate':
      return `This xmpp: link gives ${params.key ? `“${params.key}”` : 'a value'} twice.`;
    case 'uri.fingerprint.invalid':
      return 'A key fingerprint in this xmpp: link is not valid.';
  }
}
