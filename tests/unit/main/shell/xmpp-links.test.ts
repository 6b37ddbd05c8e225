/**
 * The shell's side of `xmpp:` links: found among a start's arguments, registered as the scheme's
 * handler only when packaged, macOS's open-url links kept until the core can take them.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../../src/main/core/log';
import { handOverData } from '../../../../src/main/shell/launch';
import { listenForOpenUrl, registerXmppHandler, xmppLinkIn } from '../../../../src/main/shell/xmpp-links';

describe('xmpp: links handed to the app', () => {
  it('finds the link among a start’s arguments, whatever the case of the scheme', () => {
    expect(xmppLinkIn(['--hidden', 'XMPP:romeo@montague.example?message'])).toBe('XMPP:romeo@montague.example?message');
    expect(xmppLinkIn(['--hidden', 'https://example.org', 'xmppish'])).toBeNull();
  });

  it('keeps a handed-over link whole up to what the core reads, and one past it too long to be read', () => {
    const long = `xmpp:romeo@montague.example?message;body=${'a'.repeat(20_000)}`;
    const [handed] = handOverData(['/opt/jabberwock', long]).args;
    expect(handed.length).toBe(16 * 1024 + 1);
    const fits = `xmpp:romeo@montague.example?message;body=${'a'.repeat(5000)}`;
    expect(handOverData(['/opt/jabberwock', fits]).args).toEqual([fits]);
  });

  it('registers as the handler only when packaged', () => {
    const app = { isPackaged: false, setAsDefaultProtocolClient: vi.fn(() => true) };
    registerXmppHandler(app, silentLogger);
    expect(app.setAsDefaultProtocolClient).not.toHaveBeenCalled();
    app.isPackaged = true;
    registerXmppHandler(app, silentLogger);
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledWith('xmpp');
  });

  it('keeps macOS links that arrive before the core, in order, and passes later ones at once', () => {
    const app = new EventEmitter();
    const links = listenForOpenUrl(app as never);
    const open = (url: string) => {
      const event = { preventDefault: vi.fn() };
      app.emit('open-url', event, url);
      return event;
    };
    expect(open('xmpp:a@example.org').preventDefault).toHaveBeenCalled();
    open('https://example.org/not-ours');
    open('xmpp:b@example.org?join');
    const opened: string[] = [];
    links.deliverTo((link) => opened.push(link));
    expect(opened).toEqual(['xmpp:a@example.org', 'xmpp:b@example.org?join']);
    open('xmpp:c@example.org');
    expect(opened).toHaveLength(3);
  });
});
