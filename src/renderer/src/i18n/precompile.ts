/**
 * The catalogs compiled at build time (electron.vite.config.ts runs this on every
 * locales/<language>/<domain>.json): each message becomes the syntax tree vue-i18n's runtime walks to
 * format it. The app then ships vue-i18n without its message compiler and compiles nothing while it
 * draws the first screen. The tree is plain data (JSON), formatted by an interpreter: no code is made
 * from text at run time, so the page's script policy stays strict. Unit tests load the catalogs'
 * text, which the full vue-i18n compiles as before.
 */
import { baseCompile, type CompileError } from '@intlify/message-compiler';

/** A catalog (nested objects of messages) with each message replaced by its compiled tree. */
export function compiledCatalog(catalog: unknown, file: string): unknown {
  return compiledNode(catalog, file, '');
}

function compiledNode(node: unknown, file: string, key: string): unknown {
  if (typeof node === 'string') return compiledMessage(node, `${file}: ${key}`);
  if (node && typeof node === 'object' && !Array.isArray(node)) {
    return Object.fromEntries(
      Object.entries(node).map(([name, child]) => [name, compiledNode(child, file, key ? `${key}.${name}` : name)]),
    );
  }
  throw new Error(`${file}: ${key || 'the catalog'} is neither a message nor a group of messages`);
}

function compiledMessage(message: string, where: string): unknown {
  const errors: CompileError[] = [];
  // The same options vue-i18n's runtime compiles with (jit: a tree, not code), minified as a bundler does.
  const { ast } = baseCompile(message, { jit: true, minify: true, location: false, onError: (e) => errors.push(e) });
  if (errors.length > 0) throw new Error(`${where}: ${errors.map((e) => e.message).join('; ')}`);
  return withoutStaticParts(ast);
}

type Node = { [prop: string]: unknown };

/**
 * A form with its whole text (`s`: no placeholder) is formatted from that text alone; its parts are
 * an empty text node the compiler leaves behind. Dropped: a third less to ship and parse.
 */
function withoutStaticParts(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutStaticParts);
  if (!node || typeof node !== 'object') return node;
  const out: Node = {};
  for (const [prop, value] of Object.entries(node as Node)) {
    if (prop === 'i' && typeof (node as Node).s === 'string') continue;
    out[prop] = withoutStaticParts(value);
  }
  return out;
}
