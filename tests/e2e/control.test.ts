/**
 * End to end: control and discovery in Chromium, through the browser bridge, against the real core
 * and a real Prosody (blocking, disco, mod_admin_adhoc). Alice, a server admin, uses the UI; Bob is
 * a second real client on her roster. Each view and dialog passes the axe check.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Locator, type Page } from 'playwright';
import xml, { type Element } from '@xmpp/xml';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe';
import { issueServerCert } from '../support/certs';
import { png } from '../support/media-samples';
import { iqsIn } from '../support/scripted-core';
import { fakeLogin, featuresWithSm, startScriptedServer } from '../support/scripted-server';
import { LIVE_TIMEOUT, openApp, type BrowserUi } from '../support/e2e';
import { keepMessages, useLiveUi } from '../support/live-ui';
import { startPeer, type Peer } from '../support/peer';
import { type ProsodyServer } from '../support/prosody';
import { eventually } from '../support/wait';

const ALICE = { user: 'alice', password: 'alice-Pa55-control' };
const BOB = { user: 'bob', password: 'bob-Pa55-control' };
const ALICE_JID = 'alice@localhost';
const BOB_JID = 'bob@localhost';

describe('control and discovery in the browser UI', () => {
  let prosody: ProsodyServer;
  let ui: BrowserUi;
  let page: Page;
  let bob: Peer;
  const bobInbox: Element[] = [];

  const main = (): Locator => page.getByRole('main');
  const dialog = (): Locator => page.getByRole('dialog');
  const overviewOfHome = async () => {
    await page.getByRole('navigation', { name: 'Accounts' }).getByRole('button', { name: /^Home/ }).first().click();
    await main().getByRole('heading', { name: 'Home', exact: true }).waitFor();
  };
  const bobRow = (): Locator =>
    page
      .getByRole('tree')
      .getByRole('treeitem', { name: /^bob, / })
      .first();

  const live = useLiveUi({
    server: {
      users: [ALICE, BOB],
      modules: ['lastactivity', 'adhoc', 'admin_adhoc', 'announce'],
      admins: [ALICE_JID],
      allowRegistration: true,
    },
    prefix: 'jabberwock-e2e-control-',
    prepare: async (prosody, logger) => {
      const aliceSetup = await startPeer(prosody, ALICE, 'setup', logger);
      await aliceSetup.rosterItem(BOB_JID);
      await aliceSetup.xmpp.iqCaller.set(
        xml('query', { xmlns: 'jabber:iq:roster' }, xml('item', { jid: BOB_JID, name: 'bob' })),
      );
      await aliceSetup.stop();
      bob = await startPeer(prosody, BOB, 'desk', logger, keepMessages(bobInbox));
      await bob.send(xml('presence'));
    },
    signIn: ALICE,
    stop: async () => bob?.stop(),
  });
  beforeAll(() => ({ prosody, ui, page } = live));

  it('shows the block list, blocks and unblocks an address there', async () => {
    await overviewOfHome();
    await main().getByRole('button', { name: 'Blocked addresses of Home' }).click({ timeout: LIVE_TIMEOUT });
    const d = dialog();
    await d.getByRole('heading', { name: 'Blocked addresses of Home' }).waitFor();
    await d.getByText('Nobody is blocked.').waitFor({ timeout: LIVE_TIMEOUT });
    await d.getByLabel('Block an address').fill('spam@evil.example');
    await d.getByRole('button', { name: 'Block', exact: true }).click();
    const list = d.getByRole('list', { name: '1 blocked address' });
    await list.getByText('spam@evil.example').waitFor({ timeout: LIVE_TIMEOUT });
    await d.getByLabel('Block an address').fill('not an address@@');
    await d.getByRole('button', { name: 'Block', exact: true }).click();
    await d.getByRole('alert').first().waitFor();
    await expectAccessible(page, 'block list dialog');
    await d.getByRole('button', { name: 'Unblock spam@evil.example' }).click();
    await d.getByText('Nobody is blocked.').waitFor({ timeout: LIVE_TIMEOUT });
    await d.getByRole('button', { name: 'Close' }).last().click();
    await d.waitFor({ state: 'detached' });
  });

  it('blocks a contact from its panel: marked in the roster, nothing from Bob arrives; then unblocks', async () => {
    await bobRow().dblclick({ timeout: LIVE_TIMEOUT });
    await main().getByRole('heading', { name: 'bob', exact: true }).waitFor();
    await main().getByRole('button', { name: 'Block…' }).click();
    await dialog().getByRole('heading', { name: 'Block bob?' }).waitFor();
    await expectAccessible(page, 'block contact dialog');
    await dialog().getByRole('button', { name: 'Block', exact: true }).click();
    await dialog().waitFor({ state: 'detached' });
    await main().getByText('Blocked: you receive nothing from this address.').waitFor({ timeout: LIVE_TIMEOUT });
    await page
      .getByRole('tree')
      .getByRole('treeitem', { name: /^bob, .*blocked/ })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await expectAccessible(page, 'contact panel of a blocked contact');
    const fromBob = (body: string) =>
      bob.send(xml('message', { to: ALICE_JID, type: 'chat', id: body }, xml('body', {}, body)));
    await fromBob('sent while blocked');
    await main().getByRole('button', { name: 'Unblock', exact: true }).click();
    await main().getByRole('button', { name: 'Block…' }).waitFor({ timeout: LIVE_TIMEOUT });
    expect(
      await page
        .getByRole('tree')
        .getByRole('treeitem', { name: /blocked/ })
        .count(),
    ).toBe(0);
    // The server handles Bob's messages in order: once the later one shows, the blocked one never came.
    await fromBob('sent after unblocking');
    await page
      .getByRole('navigation', { name: 'Accounts' })
      .getByText('sent after unblocking')
      .waitFor({ timeout: LIVE_TIMEOUT });
    await main().getByRole('button', { name: 'Message', exact: true }).click();
    await main().getByText('sent after unblocking').first().waitFor({ timeout: LIVE_TIMEOUT });
    expect(await main().getByText('sent while blocked').count()).toBe(0);
  });

  it('asks about a contact’s client from its panel, only when asked, and says why it got no answer', async () => {
    await bobRow().dblclick({ timeout: LIVE_TIMEOUT });
    const about = main().getByRole('region', { name: 'Their client' });
    await about.waitFor();
    expect(await about.getByRole('button', { name: 'Ask' }).count()).toBe(3);
    // Without a subscription, Prosody does not tell when Bob was last online.
    await about.getByRole('button', { name: 'Ask' }).nth(1).click();
    await about.getByText('The server does not allow the request for its last activity.').waitFor({
      timeout: LIVE_TIMEOUT,
    });
    await expectAccessible(page, 'contact panel with what its client said');
  });

  it('opens xmpp: links as dialogs: a message is prefilled, never sent; a room to join; a refused link says why', async () => {
    const link = (uri: string) => `${ui.web.url}&xmpp=${encodeURIComponent(uri)}`;
    const sentBefore = bobInbox.length;
    await openApp(page, link('xmpp:bob@localhost?message;body=Hello%20Bob%2C%20from%20a%20link'));
    const d = dialog();
    await d.getByRole('heading', { name: 'Write to bob@localhost?' }).waitFor({ timeout: LIVE_TIMEOUT });
    await d.getByText('Hello Bob, from a link').waitFor();
    expect(page.url()).not.toContain('xmpp=');
    await expectAccessible(page, 'xmpp: link dialog');
    await d.getByRole('button', { name: 'Open conversation' }).click();
    const composer = main().getByRole('textbox', { name: /^Message to / });
    await eventually(async () => expect(await composer.inputValue()).toBe('Hello Bob, from a link'), LIVE_TIMEOUT);
    expect(bobInbox.slice(sentBefore).some((m) => m.getChildText('body'))).toBe(false);

    await openApp(page, link('xmpp:lobby@conference.localhost?join'));
    await d.getByRole('heading', { name: 'Join a room' }).waitFor({ timeout: LIVE_TIMEOUT });
    expect(await d.getByLabel(/^Room/).first().inputValue()).toBe('lobby@conference.localhost');
    await d.getByRole('button', { name: 'Cancel' }).click();

    await openApp(page, link('xmpp:bob@localhost?frobnicate'));
    await d.getByRole('heading', { name: 'This link cannot be opened' }).waitFor({ timeout: LIVE_TIMEOUT });
    await d.getByText(/does not know \(frobnicate\)/).waitFor();
    await expectAccessible(page, 'refused xmpp: link');
    await d.getByRole('button', { name: 'Close' }).click();
    await d.waitFor({ state: 'detached' });
    expect(bobInbox.slice(sentBefore).some((m) => m.getChildText('body'))).toBe(false);
  });

  it('browses the server’s services and items, asks what it runs, and runs an ad-hoc command through its form', async () => {
    await overviewOfHome();
    await main().getByRole('button', { name: 'Services of Home’s server' }).click({ timeout: LIVE_TIMEOUT });
    await main()
      .getByRole('heading', { name: /^Services — Home/ })
      .waitFor();
    await main().getByRole('heading', { name: 'localhost', exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
    await main().getByText('server/im').waitFor();
    await main()
      .getByRole('button', { name: /^Open .*conference\.localhost/ })
      .first()
      .click();
    await main().getByRole('heading', { name: 'conference.localhost', exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
    await main().getByText('conference/text').waitFor();
    await main().getByRole('button', { name: 'Back to localhost' }).click();
    await main().getByRole('heading', { name: 'localhost', exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
    await main()
      .getByRole('region', { name: 'About this address' })
      .getByRole('button', { name: 'Ask' })
      .first()
      .click();
    await main()
      .getByRole('region', { name: 'About this address' })
      .getByText(/^Prosody \d/)
      .waitFor({ timeout: LIVE_TIMEOUT });
    await expectAccessible(page, 'services view');

    await main().getByRole('button', { name: 'List its commands' }).click();
    await main().getByRole('button', { name: 'Run Add User' }).click({ timeout: LIVE_TIMEOUT });
    const d = dialog();
    await d.getByRole('heading', { name: 'Add User' }).waitFor();
    const jidField = d.getByRole('textbox', { name: /account to be added/i });
    await jidField.waitFor({ timeout: LIVE_TIMEOUT });
    await expectAccessible(page, 'ad-hoc command form');
    // Checked here first, with the server's rules: nothing goes out until it fits.
    await jidField.fill('not an address@@');
    await d.getByRole('button', { name: 'Finish' }).click();
    await d.getByText(/is not an address like name@example\.org/).waitFor();
    await jidField.fill('carol@localhost');
    await d.getByLabel(/^The password for this account/).fill('carol-Pa55-control');
    await d.getByLabel(/^Retype password/).fill('carol-Pa55-control');
    await d.getByRole('button', { name: 'Finish' }).click();
    await d.getByRole('button', { name: 'Close' }).waitFor({ timeout: LIVE_TIMEOUT });
    await expectAccessible(page, 'ad-hoc command done');
    await d.getByRole('button', { name: 'Close' }).click();
    await d.waitFor({ state: 'detached' });
    const carol = await startPeer(prosody, { user: 'carol', password: 'carol-Pa55-control' }, 'desk', live.logger);
    expect(carol.xmpp.jid?.bare().toString()).toBe('carol@localhost');
    await carol.stop();
  });

  it('records the XML in the console and sends a raw stanza after a warning', async () => {
    await overviewOfHome();
    await main().getByRole('button', { name: 'XML console of Home' }).click();
    await main().getByRole('heading', { name: 'XML console — Home' }).waitFor();
    await main().getByRole('button', { name: 'Record' }).click();
    await main().getByRole('button', { name: 'Recording', pressed: true }).waitFor();
    await bob.send(
      xml('message', { to: ALICE_JID, type: 'chat', id: 'console-1' }, xml('body', {}, 'seen in the console')),
    );
    await main().getByText('seen in the console').waitFor({ timeout: LIVE_TIMEOUT });

    await main()
      .getByLabel('Stanza to send')
      .fill(`<iq type='get' to='localhost'><query xmlns='jabber:iq:version'/></iq>`);
    await main().getByRole('button', { name: 'Send', exact: true }).click();
    await main()
      .getByRole('alert')
      .getByText(/goes to the server exactly as typed/)
      .waitFor();
    await expectAccessible(page, 'XML console with the warning');
    await main().getByRole('button', { name: 'Send it' }).click();
    await main().getByText('Sent.').waitFor({ timeout: LIVE_TIMEOUT });
    await main().getByText('<name>Prosody</name>').waitFor({ timeout: LIVE_TIMEOUT });

    await main().getByRole('searchbox', { name: 'Filter' }).fill('seen in the console');
    await main()
      .getByText(/^1 of \d+ stanzas/)
      .waitFor();
    await main().getByRole('button', { name: 'Recording' }).click();
    await main().getByRole('button', { name: 'Record', pressed: false }).waitFor();
  });

  it('creates an account on the server from the Add account dialog, changes its password, then deletes it there', async () => {
    await page.getByRole('button', { name: 'Add account', exact: true }).first().click();
    await dialog().getByRole('button', { name: 'Create a new account on a server…' }).click();
    const d = dialog();
    await d.getByRole('heading', { name: 'Create an account' }).waitFor();
    await d.getByLabel('Server', { exact: true }).fill('localhost');
    await d.getByText('Advanced').click();
    await d.getByLabel(/^Server host/).fill(prosody.host);
    await d.getByLabel(/^Port/).fill(String(prosody.port));
    await expectAccessible(page, 'create an account: the server');
    await d.getByRole('button', { name: 'Continue' }).click();
    await d.getByText('What localhost asks for to create your account:').waitFor({ timeout: LIVE_TIMEOUT });
    const username = d.getByRole('textbox', { name: /^username|^Username/ });
    // Checked here first: a required field left empty never reaches the server.
    await d.getByRole('button', { name: 'Create account' }).click();
    await d.getByText(/fields? needs? attention/).waitFor();
    await expectAccessible(page, 'create an account: the server’s form');
    await username.fill(BOB.user);
    await d.getByLabel(/^password|^Password/).fill('dave-Pa55-control');
    await d.getByRole('button', { name: 'Create account' }).click();
    await d.getByText('That username is taken; choose another.').first().waitFor({ timeout: LIVE_TIMEOUT });
    await username.fill('dave');
    await d.getByRole('button', { name: 'Create account' }).click();
    await d.waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
    await main().getByRole('heading', { name: 'dave@localhost', exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
    await main().getByText('Online', { exact: true }).first().waitFor({ timeout: LIVE_TIMEOUT });

    await main().getByRole('button', { name: 'Change the password of dave@localhost on its server' }).click();
    await dialog().getByLabel('New password', { exact: true }).fill('dave-Pa55-changed');
    await dialog().getByLabel('New password again').fill('dave-Pa55-changed');
    await expectAccessible(page, 'change password dialog');
    await dialog().getByRole('button', { name: 'Change password' }).click();
    await dialog().waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
    const dave = await startPeer(prosody, { user: 'dave', password: 'dave-Pa55-changed' }, 'check', live.logger);
    await dave.stop();

    await main().getByRole('button', { name: 'Delete dave@localhost on its server' }).click({ timeout: LIVE_TIMEOUT });
    await dialog().getByRole('heading', { name: 'Delete dave@localhost on its server?' }).waitFor();
    await expectAccessible(page, 'delete on the server dialog');
    await dialog().getByRole('button', { name: 'Delete the account' }).click();
    await dialog().waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
    await page
      .getByRole('navigation', { name: 'Accounts' })
      .getByText('dave@localhost')
      .waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
  });

  it('shows the CAPTCHA picture of a registration form, and the server receives the answer typed under it', async () => {
    // A server of our own script, with a certificate from the test CA the bridge trusts (Prosody's).
    const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-e2e-captcha-'));
    const ca = { caFile: prosody.caFile, caKeyFile: path.join(prosody.dir, 'ca.key'), caPem: prosody.caPem };
    const cert = await issueServerCert(certDir, ca, ['localhost'], 'captcha');
    const picture = png(120, 40, { seed: 0x30 });
    // XEP-0231: the cid names the bytes by their hash.
    const cid = `sha1+${createHash('sha1').update(picture).digest('hex')}@bob.xmpp.org`;
    const submitted: string[] = [];
    const scripted = await startScriptedServer({
      tls: { key: fs.readFileSync(cert.keyFile, 'utf8'), cert: cert.certPem },
      features: (n, conn) =>
        featuresWithSm(n, conn) +
        (conn.secure && !conn.authenticated ? `<register xmlns='http://jabber.org/features/iq-register'/>` : ''),
      onData: (conn, chunk) => {
        if (fakeLogin(conn, chunk, 'robot@localhost')) return;
        for (const iq of iqsIn(chunk)) {
          if (iq.type === 'get' && iq.body.includes('jabber:iq:register')) {
            conn.send(`<iq type='result' id='${iq.id}'><query xmlns='jabber:iq:register'>
              <x xmlns='jabber:x:data' type='form'>
                <field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value></field>
                <field var='username' type='text-single' label='Username'><required/></field>
                <field var='password' type='text-private' label='Password'><required/></field>
                <field var='challenge' type='hidden'><value>c-42</value></field>
                <field var='ocr' type='text-single' label='Enter the text you see'>
                  <media xmlns='urn:xmpp:media-element' width='120' height='40'><uri type='image/png'>cid:${cid}</uri></media>
                  <required/>
                </field>
              </x>
              <data xmlns='urn:xmpp:bob' cid='${cid}' type='image/png' max-age='0'>${picture.toString('base64')}</data>
            </query></iq>`);
          } else if (iq.type === 'set' && chunk.includes('jabber:iq:register')) {
            submitted.push(chunk);
            conn.send(`<iq type='result' id='${iq.id}'/>`);
          } else if (iq.type === 'get' && iq.body.includes('jabber:iq:roster')) {
            conn.send(`<iq type='result' id='${iq.id}'><query xmlns='jabber:iq:roster'/></iq>`);
          } else if (iq.type === 'get' || iq.type === 'set') {
            conn.send(
              `<iq type='error' id='${iq.id}'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
            );
          }
        }
      },
    });
    try {
      await page.getByRole('button', { name: 'Add account', exact: true }).first().click();
      await dialog().getByRole('button', { name: 'Create a new account on a server…' }).click();
      const d = dialog();
      await d.getByLabel('Server', { exact: true }).fill('localhost');
      await d.getByText('Advanced').click();
      await d.getByLabel(/^Server host/).fill(scripted.host);
      await d.getByLabel(/^Port/).fill(String(scripted.port));
      await d.getByRole('button', { name: 'Continue' }).click();
      const captcha = d.getByRole('img', { name: 'Enter the text you see' });
      await captcha.waitFor({ timeout: LIVE_TIMEOUT });
      // The picture itself, decoded by the page at the size the form gives.
      expect(
        await captcha.evaluate((node) => {
          const img = node as unknown as { complete: boolean; naturalWidth: number; naturalHeight: number };
          return [img.complete, img.naturalWidth, img.naturalHeight];
        }),
      ).toEqual([true, 120, 40]);
      await expectAccessible(page, 'create an account: a CAPTCHA');
      await d.getByRole('textbox', { name: /^Username/ }).fill('robot');
      await d.getByLabel(/^Password/).fill('robot-Pa55-captcha');
      await d.getByRole('textbox', { name: /^Enter the text you see/ }).fill('7x9q');
      await d.getByRole('button', { name: 'Create account' }).click();
      await d.waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
      expect(submitted).toHaveLength(1);
      expect(submitted[0]).toMatch(/<field var=["']ocr["'][^>]*>\s*<value>7x9q<\/value>/);
      expect(submitted[0]).toContain('<value>c-42</value>');
      expect(submitted[0]).toContain('<value>robot</value>');
      await main().getByRole('heading', { name: 'robot@localhost', exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
    } finally {
      await scripted.stop();
      fs.rmSync(certDir, { recursive: true, force: true });
    }
  });
});
