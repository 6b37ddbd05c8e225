/**
 * Control and discovery in words: the errors of the block list, registration and the account on the
 * server, service discovery and ad-hoc commands, the XML console and data forms (their reasons
 * from src/shared/errors.ts), the requests of those features (request.* with a control action),
 * a form field's issues (src/shared/forms.ts) and why an `xmpp:` link was refused.
 */
import type { AppErrorOf, ControlRequestAction, DomainReason, RequestAction } from '../../../../shared/errors';
import type { FormIssue, FormProblem } from '../../../../shared/forms';
import type { XmppUriReason } from '../../../../shared/xmpp-uri';
import { t, type MessageKey } from '../../i18n';
import { sentenceParams, type OwnWords } from './reason';
import { certificateProblemText, connectionErrorText } from './connection';

type ControlError = AppErrorOf<DomainReason<'form' | 'blocking' | 'registration' | 'disco' | 'adhoc' | 'console'>>;

/** What each request was for ("the server did not answer …"). */
const REQUESTS: Readonly<Record<ControlRequestAction, MessageKey>> = {
  'room.configuration': 'control.request.roomConfiguration',
  'room.configure': 'control.request.roomConfigure',
  'room.destroy': 'control.request.roomDestroy',
  'room.info': 'control.request.roomInfo',
  'blocking.list': 'control.request.blockingList',
  'blocking.block': 'control.request.blockingBlock',
  'blocking.unblock': 'control.request.blockingUnblock',
  'registration.form': 'control.request.registrationForm',
  'registration.submit': 'control.request.registrationSubmit',
  'registration.passwordChange': 'control.request.registrationPasswordChange',
  'registration.removal': 'control.request.registrationRemoval',
  'disco.info': 'control.request.discoInfo',
  'disco.items': 'control.request.discoItems',
  'adhoc.list': 'control.request.adhocList',
  'adhoc.execute': 'control.request.adhocExecute',
  'entity.version': 'control.request.entityVersion',
  'entity.lastActivity': 'control.request.entityLastActivity',
  'entity.time': 'control.request.entityTime',
};

const CONTROL_ACTIONS = new Set<string>(Object.keys(REQUESTS));

export function isControlRequest(action: RequestAction): action is ControlRequestAction {
  return CONTROL_ACTIONS.has(action);
}

/**
 * Conditions whose words are the same for every control request (`{what}`: the request). Conditions
 * are the server's element names: these tables are Maps, so no name of Object's prototype matches.
 */
const CONDITIONS: ReadonlyMap<string, MessageKey> = new Map<string, MessageKey>([
  ['forbidden', 'control.condition.notAllowed'],
  ['not-allowed', 'control.condition.notAllowed'],
  ['not-authorized', 'control.condition.notAuthorized'],
  ['service-unavailable', 'control.condition.serviceUnavailable'],
  ['feature-not-implemented', 'control.condition.featureNotImplemented'],
  ['item-not-found', 'control.condition.itemNotFound'],
  ['remote-server-not-found', 'control.condition.remoteServerNotFound'],
  ['remote-server-timeout', 'control.condition.remoteServerTimeout'],
  ['bad-request', 'control.condition.badRequest'],
  ['not-acceptable', 'control.condition.notAcceptable'],
  ['jid-malformed', 'control.condition.jidMalformed'],
  ['resource-constraint', 'control.condition.resourceConstraint'],
  ['policy-violation', 'control.condition.policyViolation'],
]);

/** Conditions of registration that mean something particular (XEP-0077 §3.1, §3.2). */
const REGISTRATION_CONDITIONS: ReadonlyMap<string, MessageKey> = new Map<string, MessageKey>([
  ['conflict', 'control.registrationCondition.conflict'],
  ['not-acceptable', 'control.registrationCondition.notAcceptable'],
  ['not-allowed', 'control.registrationCondition.notAllowed'],
  ['service-unavailable', 'control.registrationCondition.serviceUnavailable'],
  ['resource-constraint', 'control.registrationCondition.resourceConstraint'],
]);

function requestWords(action: ControlRequestAction): string {
  return t(REQUESTS[action]);
}

/** A refused, unanswered or dropped request of control and discovery. */
export function controlRequestText(error: AppErrorOf<DomainReason<'request'>>): string {
  const action = error.params.action as ControlRequestAction;
  const what = requestWords(action);
  switch (error.reason) {
    case 'request.timeout':
      return t('control.requestError.timeout', { what });
    case 'request.dropped':
      return t('control.requestError.dropped', { what });
    case 'request.refused': {
      const { condition, text } = error.params;
      const withSaid = (words: string): string => (text ? t('control.requestError.said', { words, text }) : words);
      const registration =
        action === 'registration.submit' && condition !== null ? REGISTRATION_CONDITIONS.get(condition) : undefined;
      if (registration) return withSaid(t(registration));
      const words = condition === null ? undefined : CONDITIONS.get(condition);
      if (words) return withSaid(t(words, { what }));
      const shown = condition ?? t('control.requestError.unknownCondition');
      return withSaid(t('control.requestError.refused', { what, condition: shown }));
    }
  }
}

const FORM_PROBLEMS: Readonly<Record<FormProblem['code'], MessageKey>> = {
  'form.notAForm': 'control.formProblem.notAForm',
  'form.tooManyFields': 'control.formProblem.tooManyFields',
  'form.tooManyOptions': 'control.formProblem.tooManyOptions',
  'form.tooManyValues': 'control.formProblem.tooManyValues',
  'form.duplicateVar': 'control.formProblem.duplicateVar',
  'form.missingVar': 'control.formProblem.missingVar',
  'form.unknownType': 'control.formProblem.unknownType',
  'form.badValidate': 'control.formProblem.badValidate',
  'form.badLayout': 'control.formProblem.badLayout',
};

/** Why a form could not be shown (the field's name is `{name}` in the words). */
export function formProblemText(problem: FormProblem): string {
  const name = 'var' in problem ? problem.var : undefined;
  return t(FORM_PROBLEMS[problem.code], sentenceParams({ ...problem, name }));
}

/** The issues worded without the value's details. */
const FORM_ISSUES: Readonly<Partial<Record<FormIssue['code'], MessageKey>>> = {
  'form.field.unknown': 'control.formIssue.unknown',
  'form.field.readOnly': 'control.formIssue.readOnly',
  'form.field.required': 'control.formIssue.required',
  'form.field.tooLong': 'control.formIssue.tooLong',
  'form.field.singleLine': 'control.formIssue.singleLine',
  'form.field.boolean': 'control.formIssue.boolean',
  'form.field.regex': 'control.formIssue.regex',
};

/** What is wrong with a field's value. */
export function formIssueText(issue: FormIssue): string {
  const plain = FORM_ISSUES[issue.code];
  if (plain) return t(plain);
  const p = issue.params ?? {};
  switch (issue.code) {
    case 'form.field.tooManyValues':
      return t('control.formIssue.tooManyValues', Number(p.max));
    case 'form.field.jid':
      return t('control.formIssue.jid', { value: String(p.value) });
    case 'form.field.option':
      return t('control.formIssue.option', { value: String(p.value) });
    case 'form.field.listRange':
      return t('control.formIssue.listRange', { min: String(p.min), max: String(p.max) });
    case 'form.field.datatype': {
      const known = DATATYPES.get(String(p.datatype));
      return known ? t(known) : t('control.datatype.other', { datatype: String(p.datatype) });
    }
    default: // form.field.range
      return rangeText(String(p.min ?? ''), String(p.max ?? ''));
  }
}

/** Keyed by the form's own string: a Map, so that no name of Object's prototype is taken for a datatype. */
const DATATYPES: ReadonlyMap<string, MessageKey> = new Map<string, MessageKey>([
  ['xs:integer', 'control.datatype.integer'],
  ['xs:int', 'control.datatype.integer'],
  ['xs:long', 'control.datatype.integer'],
  ['xs:short', 'control.datatype.short'],
  ['xs:byte', 'control.datatype.byte'],
  ['xs:decimal', 'control.datatype.decimal'],
  ['xs:double', 'control.datatype.decimal'],
  ['xs:boolean', 'control.datatype.boolean'],
  ['xs:date', 'control.datatype.date'],
  ['xs:dateTime', 'control.datatype.dateTime'],
  ['xs:time', 'control.datatype.time'],
  ['xs:language', 'control.datatype.language'],
  ['xs:anyURI', 'control.datatype.anyURI'],
]);

/** The bounds come from the form as text (a date, a decimal), so they are shown as they came. */
function rangeText(min: string, max: string): string {
  if (min !== '' && max !== '') return t('control.formIssue.rangeFromTo', { min, max });
  if (min !== '') return t('control.formIssue.rangeAtLeast', { min });
  return t('control.formIssue.rangeAtMost', { max });
}

/** Control errors whose catalog sentence needs more: a count, a form's problem, a connection's failure, a request. */
export const CONTROL_WORDS = {
  'form.invalid': (error) => t('errors.form.invalid', error.params.issues.length),
  'form.unusable': (error) => t('errors.form.unusable', { problem: formProblemText(error.params.problem) }),
  'registration.connectFailed': (error) => {
    const { connection, certificate } = error.params;
    const because = connectionErrorText({ kind: 'other', ...connection });
    const problem = certificate ? ` ${certificateProblemText(certificate.problem)}` : '';
    return t('errors.registration.connectFailed', { because: `${because}${problem}` });
  },
  'disco.malformed': (error) => t('errors.disco.malformed', { what: requestWords(error.params.action) }),
} satisfies OwnWords<ControlError>;

const URI_WORDS: Readonly<Record<XmppUriReason, MessageKey>> = {
  'uri.scheme': 'control.uri.scheme',
  'uri.tooLong': 'control.uri.tooLong',
  'uri.encoding': 'control.uri.encoding',
  'uri.jid.invalid': 'control.uri.jidInvalid',
  'uri.jid.room': 'control.uri.jidRoom',
  'uri.account.invalid': 'control.uri.accountInvalid',
  'uri.action.unknown': 'control.uri.actionUnknown',
  'uri.action.unsupported': 'control.uri.actionUnsupported',
  'uri.param.duplicate': 'control.uri.paramDuplicate',
  'uri.fingerprint.invalid': 'control.uri.fingerprintInvalid',
};

/** The words that name what the link had, when it says (its parameter, the words). */
const URI_NAMED: Readonly<Partial<Record<XmppUriReason, readonly [string, MessageKey]>>> = {
  'uri.action.unknown': ['action', 'control.uri.actionUnknownNamed'],
  'uri.action.unsupported': ['action', 'control.uri.actionUnsupportedNamed'],
  'uri.param.duplicate': ['key', 'control.uri.paramDuplicateNamed'],
};

/** Why an `xmpp:` link was not opened. */
export function xmppUriErrorText(reason: XmppUriReason, params: Record<string, string> = {}): string {
  const [param, named] = URI_NAMED[reason] ?? [];
  const value = param ? params[param] : undefined;
  return named && value ? t(named, { [param!]: value }) : t(URI_WORDS[reason]);
}
