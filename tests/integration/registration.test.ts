/**
 * The account on the server against a real Prosody with in-band registration open (mod_register,
 * allow_registration = true): create an account from the server's form (refused fields first, a name
 * already taken), sign in with it, change its password (the kept one follows, the old one stops
 * working), delete it on the server (then here); and a registration that will not go without
 * verified TLS (a scripted server that offers no STARTTLS, or a certificate for another name).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountView, AppEvent, RegistrationView } from '../../src/shared/contract';
import { AccountSession } from '../../src/main/core/accounts/session';
import { createMessenger, type Messenger } from '../../src/main/core/messenger';
import { createMemorySecretStore } from '../../src/main/core/secrets';
import { createLogger } from '../../src/main/core/log';
import { createTestCa, issueServerCert } from '../support/certs';
import { startProsody, type ProsodyServer } from '../support/prosody';
import { iqsIn } from '../support/scripted-core';
import { startScriptedServer, standardFeatures } from '../support/scripted-server';
import { waitUntil } from '../support/wait';

const EXISTING = { user: 'taken', password: 'taken-Pa55' };
const log = createLogger(() => {}, 'debug');

let server: ProsodyServer;
let messenger: Messenger;
let dir: string;
const secrets = createMemorySecretStore();
const events: AppEvent[] = [];

beforeAll(async () => {
  server = await startProsody({ users: [EXISTING], allowRegistration: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-register-'));
  messenger = await createMessenger({
    dataDir: dir,
    secrets,
    log,
    extraCa: server.caPem,
    flushMs: 5,
    sessionFactory: (config, hooks) =>
      new AccountSession(config, hooks, {
        log: log.child(config.jid),
        ca: server.caPem,
        backoff: { baseMs: 100, capMs: 500 },
        resolveSrv: false,
      }),
  });
  messenger.subscribe((batch) => events.push(...batch.events));
});

afterAll(async () => {
  await messenger?.close();
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function invoke<T>(command: string, input: unknown): Promise<T> {
  const result = await messenger.invoke(command, input);
  if (!result.ok) throw new Error(`${command}: ${result.error.reason}`);
  return result.value as T;
}

/** Whether `jid` can sign in with `password` now: 'online', or the error kind. */
async function signIn(jid: string, password: string): Promise<string> {
  let outcome: string | null = null;
  const session = new AccountSession(
    { jid, password, host: server.host, port: server.port, pinnedCertificates: [] },
    {
      onStatus: (view) => {
        if (view.status === 'online') outcome = 'online';
        if (view.status === 'error' || view.status === 'reconnecting') outcome ??= view.error?.kind ?? 'error';
      },
      onOnline: () => {},
      onOffline: () => {},
    },
    { log, ca: server.caPem, resolveSrv: false, backoff: { baseMs: 60_000, capMs: 60_000 } },
  );
  session.start();
  try {
    await waitUntil(`${jid} signing in`, () => outcome !== null);
    return outcome!;
  } finally {
    await session.stop();
  }
}

const start = () =>
  invoke<RegistrationView>('registration.start', { domain: 'localhost', host: server.host, port: server.port });

describe('in-band registration (XEP-0077)', () => {
  it("creates an account from the server's form, and the account signs in", async () => {
    const registration = await start();
    expect(registration.domain).toBe('localhost');
    expect(registration.legacy).toBe(false);
    expect(registration.form.formType).toBe('jabber:iq:register');
    const fields = registration.form.fields.map((f) => [f.var, f.type]);
    expect(fields).toEqual(
      expect.arrayContaining([
        ['username', 'text-single'],
        ['password', 'text-private'],
      ]),
    );

    // Checked here first: the server never sees a form with a required field left empty.
    const incomplete = await messenger.invoke('registration.submit', {
      id: registration.id,
      values: { username: ['newbie'] },
    });
    expect(incomplete).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        reason: 'form.invalid',
        params: { issues: [{ var: 'password', code: 'form.field.required' }] },
      },
    });
    const taken = await messenger.invoke('registration.submit', {
      id: registration.id,
      values: { username: [EXISTING.user], password: ['whatever-Pa55'] },
    });
    expect(taken).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        reason: 'request.refused',
        params: { action: 'registration.submit', condition: 'conflict' },
      },
    });

    // The same registration, corrected.
    const account = await invoke<AccountView>('registration.submit', {
      id: registration.id,
      values: { username: ['newbie'], password: ['newbie-Pa55'] },
      label: 'New',
    });
    expect(account).toMatchObject({ jid: 'newbie@localhost', label: 'New', host: server.host, port: server.port });
    expect(JSON.stringify(account)).not.toContain('newbie-Pa55');
    await waitUntil('new account online', () => messenger.accounts.list()[0]?.connection.status === 'online');
    expect(await messenger.invoke('registration.cancel', { id: registration.id })).toMatchObject({
      ok: false,
      error: { reason: 'registration.gone' },
    });
  });

  it('changes the password on the server and keeps the new one; the old one stops working', async () => {
    const account = messenger.accounts.list()[0];
    const changed = await invoke<AccountView>('account.changePassword', { id: account.id, password: 'changed-Pa55' });
    expect(changed.password).toBe('session');
    expect(secrets.get(account.id)).toBe('changed-Pa55');
    await waitUntil('online with the new password', () => messenger.accounts.list()[0]?.connection.status === 'online');
    expect(await signIn('newbie@localhost', 'changed-Pa55')).toBe('online');
    expect(await signIn('newbie@localhost', 'newbie-Pa55')).toBe('auth');
  });

  it('deletes the account on the server, then here', async () => {
    const account = messenger.accounts.list()[0];
    expect(await invoke('account.deleteOnServer', { id: account.id })).toBeNull();
    expect(messenger.accounts.list()).toEqual([]);
    expect(secrets.get(account.id)).toBeUndefined();
    await waitUntil('removal announced', () => events.some((e) => e.type === 'account.removed' && e.id === account.id));
    expect(await signIn('newbie@localhost', 'changed-Pa55')).toBe('auth');
  });

  it('cancels a registration it no longer needs', async () => {
    const registration = await start();
    expect(await invoke('registration.cancel', { id: registration.id })).toBeNull();
    const after = await messenger.invoke('registration.submit', {
      id: registration.id,
      values: { username: ['late'], password: ['late-Pa55'] },
    });
    expect(after).toMatchObject({ ok: false, error: { code: 'not_found', reason: 'registration.gone' } });
  });
});

describe('registration without verified TLS', () => {
  it('refuses a server that offers registration without STARTTLS, and one whose certificate is for another name', async () => {
    const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-register-certs-'));
    try {
      const ca = await createTestCa(certDir);
      const other = await issueServerCert(certDir, ca, ['other.example'], 'other');
      const otherTls = { key: fs.readFileSync(other.keyFile, 'utf8'), cert: other.certPem };
      // A plaintext server that offers registration and would answer with a form: never asked.
      const plain = await startScriptedServer({
        features: `<register xmlns='http://jabber.org/features/iq-register'/>`,
        onData: (conn, chunk) => {
          for (const iq of iqsIn(chunk)) {
            conn.send(`<iq type='result' id='${iq.id}'><query xmlns='jabber:iq:register'>
              <username/><password/></query></iq>`);
          }
        },
      });
      const wrongName = await startScriptedServer({ tls: otherTls, features: standardFeatures });
      const scriptedMessenger = await createMessenger({ dataDir: ':memory:', secrets, log, extraCa: ca.caPem });
      try {
        const noTls = await scriptedMessenger.invoke('registration.start', {
          domain: 'localhost',
          host: plain.host,
          port: plain.port,
        });
        expect(noTls).toMatchObject({
          ok: false,
          error: {
            reason: 'registration.connectFailed',
            params: { connection: { reason: 'connection.tlsUnavailable' } },
          },
        });
        expect(plain.received()).not.toContain('jabber:iq:register');
        const badCert = await scriptedMessenger.invoke('registration.start', {
          domain: 'localhost',
          host: wrongName.host,
          port: wrongName.port,
        });
        expect(badCert).toMatchObject({
          ok: false,
          error: {
            reason: 'registration.connectFailed',
            params: {
              connection: { reason: 'connection.certificateNotTrusted' },
              certificate: {
                fingerprint256: expect.stringMatching(/^[0-9A-F:]{95}$/),
                problem: { code: 'ERR_TLS_CERT_ALTNAME_INVALID', domain: 'localhost' },
              },
            },
          },
        });
        expect(wrongName.received()).not.toContain('jabber:iq:register');
      } finally {
        await scriptedMessenger.close();
        await plain.stop();
        await wrongName.stop();
      }
    } finally {
      fs.rmSync(certDir, { recursive: true, force: true });
    }
  });
});

describe('a CAPTCHA (XEP-0158) in the registration form', () => {
  it('keeps the image for the media layer and submits the answer with the form', async () => {
    const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-register-captcha-'));
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
    const cid = `sha1+${createHash('sha1').update(png).digest('hex')}@bob.xmpp.org`;
    try {
      const ca = await createTestCa(certDir);
      const cert = await issueServerCert(certDir, ca, ['localhost'], 'captcha');
      const submitted: string[] = [];
      const scripted = await startScriptedServer({
        tls: { key: fs.readFileSync(cert.keyFile, 'utf8'), cert: cert.certPem },
        features: (_n, conn) =>
          conn.secure ? `<register xmlns='http://jabber.org/features/iq-register'/>` : standardFeatures(_n, conn),
        onData: (conn, chunk) => {
          for (const iq of iqsIn(chunk)) {
            if (iq.type === 'get' && iq.body.includes('jabber:iq:register')) {
              conn.send(`<iq type='result' id='${iq.id}'><query xmlns='jabber:iq:register'>
                <instructions>Solve the CAPTCHA.</instructions>
                <x xmlns='jabber:x:data' type='form'>
                  <field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value></field>
                  <field var='username' type='text-single'><required/></field>
                  <field var='password' type='text-private'><required/></field>
                  <field var='challenge' type='hidden'><value>c-42</value></field>
                  <field var='ocr' type='text-single' label='Enter the text you see'>
                    <media xmlns='urn:xmpp:media-element' width='120' height='40'><uri type='image/png'>cid:${cid}</uri></media>
                    <required/>
                  </field>
                </x>
                <data xmlns='urn:xmpp:bob' cid='${cid}' type='image/png' max-age='0'>${png.toString('base64')}</data>
              </query></iq>`);
            } else if (iq.type === 'set' && chunk.includes('jabber:iq:register')) {
              submitted.push(chunk);
              conn.send(`<iq type='result' id='${iq.id}'/>`);
            }
          }
        },
      });
      const captchaMessenger = await createMessenger({ dataDir: ':memory:', secrets, log, extraCa: ca.caPem });
      try {
        const registration = await captchaMessenger.invoke('registration.start', {
          domain: 'localhost',
          host: scripted.host,
          port: scripted.port,
        });
        if (!registration.ok) throw new Error(registration.error.reason);
        const view = registration.value as RegistrationView;
        expect(view.instructions).toBe('Solve the CAPTCHA.');
        const ocr = view.form.fields.find((f) => f.var === 'ocr')!;
        expect(ocr.media?.uris).toEqual([{ type: 'image/png', uri: `cid:${cid}` }]);
        const image = captchaMessenger.control.registrations.media(view.id, `cid:${cid}`);
        expect(image?.type).toBe('image/png');
        expect(image?.data.equals(png)).toBe(true);
        // The dialog shows it as a picture checked from its bytes; nothing for an address it did not send.
        expect(await captchaMessenger.invoke('registration.media', { id: view.id, uri: `cid:${cid}` })).toEqual({
          ok: true,
          value: { mime: 'image/png', dataUrl: `data:image/png;base64,${png.toString('base64')}` },
        });
        expect(
          await captchaMessenger.invoke('registration.media', { id: view.id, uri: 'cid:other@bob.xmpp.org' }),
        ).toEqual({ ok: true, value: null });
        const account = await captchaMessenger.invoke('registration.submit', {
          id: view.id,
          values: { username: ['robot'], password: ['robot-Pa55'], ocr: ['7x9q'] },
        });
        expect(account).toMatchObject({ ok: true, value: { jid: 'robot@localhost' } });
        expect(submitted[0]).toContain('<value>7x9q</value>');
        expect(submitted[0]).toContain('<value>c-42</value>');
      } finally {
        await captchaMessenger.close();
        await scripted.stop();
      }
    } finally {
      fs.rmSync(certDir, { recursive: true, force: true });
    }
  });
});
