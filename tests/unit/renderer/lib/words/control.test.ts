/**
 * Control and discovery in words: every control request, form issue, form problem and `xmpp:` link
 * refusal is worded (the tables must name each one, or the type check fails), with no placeholder left.
 */
import { describe, expect, it } from 'vitest';
import type { ControlRequestAction } from '../../../../../src/shared/errors';
import type { FormIssueCode, FormProblem } from '../../../../../src/shared/forms';
import type { XmppUriReason } from '../../../../../src/shared/xmpp-uri';
import { appError } from '../../../../../src/shared/result';
import { formIssueText, formProblemText, xmppUriErrorText } from '../../../../../src/renderer/src/lib/words/control';
import { errorText } from '../../../../../src/renderer/src/lib/words/errors';

const ACTIONS: Record<ControlRequestAction, true> = {
  'room.configuration': true,
  'room.configure': true,
  'room.destroy': true,
  'room.info': true,
  'blocking.list': true,
  'blocking.block': true,
  'blocking.unblock': true,
  'registration.form': true,
  'registration.submit': true,
  'registration.passwordChange': true,
  'registration.removal': true,
  'disco.info': true,
  'disco.items': true,
  'adhoc.list': true,
  'adhoc.execute': true,
  'entity.version': true,
  'entity.lastActivity': true,
  'entity.time': true,
};

const ISSUES: Record<FormIssueCode, Record<string, string | number> | undefined> = {
  'form.field.unknown': undefined,
  'form.field.readOnly': undefined,
  'form.field.required': undefined,
  'form.field.tooManyValues': { max: 1 },
  'form.field.tooLong': { max: 65536 },
  'form.field.singleLine': undefined,
  'form.field.boolean': undefined,
  'form.field.jid': { value: 'a@b@c' },
  'form.field.option': { value: 'x' },
  'form.field.listRange': { min: 1, max: 3 },
  'form.field.datatype': { datatype: 'xs:integer' },
  'form.field.range': { datatype: 'xs:integer', min: '1', max: '10' },
  'form.field.regex': { pattern: '[a-z]+' },
};

const PROBLEMS: Record<FormProblem['code'], FormProblem> = {
  'form.notAForm': { code: 'form.notAForm' },
  'form.tooManyFields': { code: 'form.tooManyFields', max: 1000 },
  'form.tooManyOptions': { code: 'form.tooManyOptions', var: 'x', max: 5000 },
  'form.tooManyValues': { code: 'form.tooManyValues', var: 'x', max: 10000 },
  'form.duplicateVar': { code: 'form.duplicateVar', var: 'x' },
  'form.missingVar': { code: 'form.missingVar', type: 'text-single' },
  'form.unknownType': { code: 'form.unknownType', var: 'x', type: 'weird' },
  'form.badValidate': { code: 'form.badValidate', var: 'x' },
  'form.badLayout': { code: 'form.badLayout' },
};

const URI_REASONS: Record<XmppUriReason, Record<string, string> | undefined> = {
  'uri.scheme': undefined,
  'uri.tooLong': undefined,
  'uri.encoding': undefined,
  'uri.jid.invalid': undefined,
  'uri.jid.room': undefined,
  'uri.account.invalid': undefined,
  'uri.action.unknown': { action: 'frobnicate' },
  'uri.action.unsupported': { action: 'command' },
  'uri.param.duplicate': { key: 'body' },
  'uri.fingerprint.invalid': { key: 'omemo-sid-1' },
};

const worded = (text: string) => {
  expect(text.length).toBeGreaterThan(10);
  expect(text).not.toMatch(/undefined|\[object|\$\{/);
};

describe('control and discovery in words', () => {
  it('words every control request, refused, unanswered and dropped', () => {
    for (const action of Object.keys(ACTIONS) as ControlRequestAction[]) {
      worded(errorText(appError('timeout', 'request.timeout', { action })));
      worded(errorText(appError('not_connected', 'request.dropped', { action })));
      worded(errorText(appError('forbidden', 'request.refused', { action, condition: 'forbidden', text: null })));
      worded(errorText(appError('internal', 'request.refused', { action, condition: null, text: 'no' })));
    }
    expect(errorText(appError('timeout', 'request.timeout', { action: 'disco.items' }))).toBe(
      'The server did not answer the request for its items in time.',
    );
    expect(
      errorText(
        appError('conflict', 'request.refused', { action: 'registration.submit', condition: 'conflict', text: null }),
      ),
    ).toBe('That username is taken; choose another.');
    // Main's own requests keep their words.
    expect(errorText(appError('timeout', 'request.timeout', { action: 'roster.change' }))).toBe(
      'The server did not answer in time; the change may not have been saved.',
    );
  });

  it('words every form issue and every form problem', () => {
    for (const [code, params] of Object.entries(ISSUES)) {
      worded(formIssueText({ var: 'f', code: code as FormIssueCode, ...(params ? { params } : {}) }));
    }
    for (const problem of Object.values(PROBLEMS)) worded(formProblemText(problem));
    expect(
      formIssueText({ var: 'f', code: 'form.field.range', params: { datatype: 'xs:int', min: '1', max: '' } }),
    ).toBe('Enter 1 or more.');
  });

  it('words every refused xmpp: link', () => {
    for (const [reason, params] of Object.entries(URI_REASONS))
      worded(xmppUriErrorText(reason as XmppUriReason, params));
    expect(xmppUriErrorText('uri.action.unknown', { action: 'frobnicate' })).toContain('frobnicate');
  });

  it('words a registration that could not connect with the connection’s own words', () => {
    expect(
      errorText(
        appError('forbidden', 'registration.connectFailed', {
          connection: { reason: 'connection.tlsUnavailable' },
          certificate: null,
        }),
      ),
    ).toBe(
      'Could not connect to create the account. The server does not offer encryption (STARTTLS); Jabberwock will not send your password in plaintext.',
    );
  });
  it('takes a datatype or condition named like a property of every object for what it is: unknown', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(formIssueText({ var: 'f', code: 'form.field.datatype', params: { datatype: name } })).toBe(
        `Enter a value of type ${name}.`,
      );
      const refused = (action: 'disco.items' | 'registration.submit' | 'roster.change' | 'bookmark.save') =>
        errorText(appError('internal', 'request.refused', { action, condition: name, text: null }));
      expect(refused('disco.items')).toBe(`The server refused the request for its items (${name}).`);
      expect(refused('registration.submit')).toContain(`(${name})`);
      expect(refused('roster.change')).toContain(`(${name})`);
      expect(refused('bookmark.save')).toContain(`(${name})`);
    }
  });
});
