/**
 * An archive page stored while its results arrive, not all at its <fin/>: every `chunk` results make
 * a part, stored in one transaction on a later loop turn (one a turn, so a page never holds the loop
 * for long), committed without its own fsync; at the <fin/> the rest is stored with the archive's new
 * marker, committed with synchronous=FULL, which makes the parts before it durable (WAL order). A
 * crash before the marker's part fetches the page again; its stored parts are known by archive id.
 * Live messages of the turn are written before each part: the archive never overtakes them.
 */
import type { MessagesRepository, NewMessage, StoredMessage } from '../../store/messages-repo';
import type { AccountChat, PageEntry } from './accounts';
import type { Inbox } from './inbox';

type Marker = Parameters<MessagesRepository['storePage']>[1];

export class ArrivingPage {
  private readonly stored: (StoredMessage | null)[] = [];
  /** Entries of the page handed to a part so far. */
  private taken = 0;
  /** A part waits for its turn. */
  private scheduled: NodeJS.Immediate | null = null;
  /** A part being stored (its encrypted messages being read), or a failure of one. */
  private storing: Promise<void> = Promise.resolve();

  constructor(
    private readonly account: AccountChat,
    /** The query's page, filled by Archive.read as results arrive. */
    private readonly page: PageEntry[],
    private readonly repo: MessagesRepository,
    private readonly inbox: Inbox,
    private readonly chunk: number,
    /** Restored history (read before the store was lost): stored as read. */
    private readonly markRead = false,
  ) {}

  /** A result was added to the page: a full part is stored on a later turn. */
  arrived(): void {
    if (this.scheduled !== null || this.page.length - this.taken < this.chunk) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = null;
      this.storing = this.storing.then(() => this.storePart());
      // Its failure is the page's: finish() or abandon() reads it.
      this.storing.catch(() => undefined);
    });
  }

  private async storePart(): Promise<void> {
    if (this.page.length - this.taken < this.chunk) return;
    const part = await this.take(this.taken + this.chunk);
    this.inbox.flush(this.account);
    this.stored.push(...this.repo.storePagePart(part));
    this.arrived(); // the results that came meanwhile may make the next part
  }

  /** The page's entries up to `end` not stored yet, read (an encrypted one is a promise). */
  private async take(end: number): Promise<NewMessage[]> {
    const entries = this.page.slice(this.taken, end);
    this.taken = end;
    const messages = (await Promise.all(entries)).filter((message) => message !== null);
    if (this.markRead) for (const message of messages) message.read = true;
    return messages;
  }

  /**
   * At the page's <fin/>: the rest of the page with the marker, in this turn (a part that waits for
   * its turn is stored with it), so that the page is stored before anything the server sent after
   * the <fin/> is read. Returns every row the page stored (null for a duplicate).
   */
  async finish(marker: Marker): Promise<(StoredMessage | null)[]> {
    this.cancel();
    await this.storing;
    const rest = await this.take(this.page.length);
    this.inbox.flush(this.account);
    this.stored.push(...this.repo.storePage(rest, marker));
    return this.stored;
  }

  /**
   * The page failed: no more parts; returns the rows its parts stored and the entries not handed to
   * a part (the caller keeps those it cannot fetch again).
   */
  async abandon(): Promise<{ stored: (StoredMessage | null)[]; rest: PageEntry[] }> {
    this.cancel();
    await this.storing.catch(() => undefined);
    return { stored: this.stored, rest: this.page.slice(this.taken) };
  }

  private cancel(): void {
    if (this.scheduled !== null) clearImmediate(this.scheduled);
    this.scheduled = null;
  }
}
