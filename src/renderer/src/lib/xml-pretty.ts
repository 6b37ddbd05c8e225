/**
 * The XML console's text of a stanza, indented for reading: one element a line, children indented,
 * an element with only text kept on one line. It works on the text as the core wrote it (escaped,
 * secrets already replaced) and only adds line breaks and spaces between tags; the text itself is
 * shown as text (never parsed into the page), so nothing in it can act.
 */

/** Tags and the text between them: `<…>` runs (quotes respected) and everything else. */
function tokens(xml: string): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < xml.length) {
    if (xml[at] !== '<') {
      const next = xml.indexOf('<', at);
      const end = next === -1 ? xml.length : next;
      out.push(xml.slice(at, end));
      at = end;
      continue;
    }
    let quote: string | null = null;
    let end = at + 1;
    for (; end < xml.length; end++) {
      const c = xml[end];
      if (quote) {
        if (c === quote) quote = null;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') break;
    }
    out.push(xml.slice(at, end + 1));
    at = end + 1;
  }
  return out;
}

const isClose = (token: string) => token.startsWith('</');
const isOpen = (token: string) => token.startsWith('<') && !isClose(token) && !token.endsWith('/>');

export function prettyXml(xml: string, indent = '  '): string {
  const parts = tokens(xml);
  const lines: string[] = [];
  let depth = 0;
  for (let i = 0; i < parts.length; i++) {
    const token = parts[i];
    if (!token.startsWith('<')) {
      if (token.trim() !== '') lines.push(indent.repeat(depth) + token.trim());
      continue;
    }
    // <a>text</a> stays on one line.
    if (isOpen(token) && i + 2 < parts.length && !parts[i + 1].startsWith('<') && isClose(parts[i + 2])) {
      lines.push(indent.repeat(depth) + token + parts[i + 1] + parts[i + 2]);
      i += 2;
      continue;
    }
    if (isClose(token)) depth = Math.max(0, depth - 1);
    lines.push(indent.repeat(depth) + token);
    if (isOpen(token)) depth++;
  }
  return lines.join('\n');
}
