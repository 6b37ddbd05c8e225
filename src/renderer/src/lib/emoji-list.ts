/**
 * The emojis the reaction picker offers, each with its shortcode (the names most chat apps use), and
 * the few shown first until the user's own use says otherwise.
 */
export const DEFAULT_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

export const EMOJIS: readonly (readonly [shortcode: string, emoji: string])[] = [
  ['thumbsup', '👍'],
  ['thumbsdown', '👎'],
  ['heart', '❤️'],
  ['joy', '😂'],
  ['open_mouth', '😮'],
  ['cry', '😢'],
  ['pray', '🙏'],
  ['smile', '😄'],
  ['grinning', '😀'],
  ['slightly_smiling_face', '🙂'],
  ['wink', '😉'],
  ['blush', '😊'],
  ['heart_eyes', '😍'],
  ['thinking', '🤔'],
  ['neutral_face', '😐'],
  ['unamused', '😒'],
  ['roll_eyes', '🙄'],
  ['grimacing', '😬'],
  ['sweat_smile', '😅'],
  ['rofl', '🤣'],
  ['sob', '😭'],
  ['angry', '😠'],
  ['rage', '😡'],
  ['scream', '😱'],
  ['flushed', '😳'],
  ['sleeping', '😴'],
  ['sunglasses', '😎'],
  ['nerd', '🤓'],
  ['partying_face', '🥳'],
  ['hugs', '🤗'],
  ['shrug', '🤷'],
  ['facepalm', '🤦'],
  ['clap', '👏'],
  ['wave', '👋'],
  ['ok_hand', '👌'],
  ['muscle', '💪'],
  ['raised_hands', '🙌'],
  ['point_up', '☝️'],
  ['v', '✌️'],
  ['crossed_fingers', '🤞'],
  ['eyes', '👀'],
  ['brain', '🧠'],
  ['fire', '🔥'],
  ['tada', '🎉'],
  ['sparkles', '✨'],
  ['star', '⭐'],
  ['100', '💯'],
  ['check', '✅'],
  ['x', '❌'],
  ['warning', '⚠️'],
  ['question', '❓'],
  ['exclamation', '❗'],
  ['bulb', '💡'],
  ['rocket', '🚀'],
  ['zap', '⚡'],
  ['coffee', '☕'],
  ['beer', '🍺'],
  ['pizza', '🍕'],
  ['cake', '🎂'],
  ['gift', '🎁'],
  ['sun', '☀️'],
  ['rainbow', '🌈'],
  ['snowflake', '❄️'],
  ['rose', '🌹'],
  ['seedling', '🌱'],
  ['dog', '🐶'],
  ['cat', '🐱'],
  ['unicorn', '🦄'],
  ['bug', '🐛'],
  ['turtle', '🐢'],
  ['broken_heart', '💔'],
  ['purple_heart', '💜'],
  ['green_heart', '💚'],
  ['blue_heart', '💙'],
  ['yellow_heart', '💛'],
  ['skull', '💀'],
  ['ghost', '👻'],
  ['robot', '🤖'],
  ['poop', '💩'],
  ['see_no_evil', '🙈'],
  ['lock', '🔒'],
  ['key', '🔑'],
  ['bell', '🔔'],
  ['calendar', '📅'],
  ['memo', '📝'],
];

const BY_SHORTCODE = new Map(EMOJIS.map(([code, emoji]) => [code, emoji]));

/** The emoji a typed shortcode names (with or without its colons, any case), or null. */
export function emojiForShortcode(typed: string): string | null {
  const code = typed
    .trim()
    .replace(/^:|:$/g, '')
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return code === '' ? null : (BY_SHORTCODE.get(code) ?? null);
}

/** Shortcodes starting with what was typed (for the picker's list as one types). */
export function matchingEmojis(typed: string, limit = 24): (readonly [string, string])[] {
  const code = typed.trim().replace(/^:|:$/g, '').toLowerCase();
  if (code === '') return [];
  return EMOJIS.filter(([name]) => name.startsWith(code) || name.includes(`_${code}`)).slice(0, limit);
}

const USED_KEY = 'jabberwock.reactions.used';

/** The user's most used reactions first (counted in this window's storage), filled up with the defaults. */
export function frequentReactions(count = 6): string[] {
  const used = readUsed();
  const ranked = Object.entries(used)
    .sort((a, b) => b[1] - a[1])
    .map(([emoji]) => emoji);
  for (const emoji of DEFAULT_REACTIONS) if (!ranked.includes(emoji)) ranked.push(emoji);
  return ranked.slice(0, count);
}

export function countUse(emoji: string): void {
  const used = readUsed();
  used[emoji] = (used[emoji] ?? 0) + 1;
  try {
    localStorage.setItem(USED_KEY, JSON.stringify(used));
  } catch {
    // Storage full or off: the counts are a convenience.
  }
}

function readUsed(): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(USED_KEY) ?? '{}');
    if (!parsed || typeof parsed !== 'object') return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number' && e[0].length <= 32),
    );
  } catch {
    return {};
  }
}
