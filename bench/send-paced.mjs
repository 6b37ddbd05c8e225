/**
 * How the bench servers (replay-server.mjs, presence-flood-server.mjs) write a long run of stanzas:
 * in slices that end at a stanza boundary (before a `<presence`), waiting for the socket to drain
 * between them, so that a reply written between two slices (a disco#info answer) stays well-formed.
 * Plain Node, no dependencies.
 */

/** Writes `text` to `socket` in slices of about `slice` characters; then calls `done`, unless the socket closed. */
export function sendPaced(socket, text, done = () => {}, slice = 64 * 1024) {
  let offset = 0;
  const pump = () => {
    while (offset < text.length && !socket.destroyed) {
      let end = text.indexOf('<presence', offset + slice);
      if (end === -1) end = text.length;
      const more = socket.write(text.slice(offset, end));
      offset = end;
      if (!more) {
        socket.once('drain', pump);
        return;
      }
    }
    if (!socket.destroyed) done();
  };
  pump();
}
