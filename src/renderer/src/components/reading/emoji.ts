/**
 * The emoji the composer's picker offers, with English words to find them by (typed into the
 * picker's search; the emoji themselves are what is shown and what a screen reader names).
 */
export interface EmojiEntry {
  emoji: string;
  words: string;
}

export const EMOJI: readonly EmojiEntry[] = [
  ['😀', 'grin smile happy'],
  ['😂', 'joy laugh tears'],
  ['🙂', 'smile slight'],
  ['😉', 'wink'],
  ['😊', 'blush smile'],
  ['😍', 'love heart eyes'],
  ['😘', 'kiss'],
  ['😎', 'cool sunglasses'],
  ['🤔', 'think thinking'],
  ['😐', 'neutral'],
  ['🙄', 'eye roll'],
  ['😴', 'sleep'],
  ['😢', 'cry sad tear'],
  ['😭', 'sob cry'],
  ['😡', 'angry rage'],
  ['😱', 'scream fear'],
  ['😅', 'sweat smile'],
  ['🤣', 'rofl laugh'],
  ['😇', 'angel innocent'],
  ['🥳', 'party celebrate'],
  ['🤗', 'hug'],
  ['🤷', 'shrug'],
  ['🤦', 'facepalm'],
  ['🙈', 'see no evil monkey'],
  ['👍', 'thumbs up yes ok like'],
  ['👎', 'thumbs down no dislike'],
  ['👌', 'ok hand'],
  ['👏', 'clap applause'],
  ['🙏', 'pray thanks please'],
  ['👋', 'wave hello bye'],
  ['💪', 'strong muscle'],
  ['✌️', 'victory peace'],
  ['❤️', 'heart love red'],
  ['💔', 'broken heart'],
  ['🔥', 'fire hot'],
  ['✨', 'sparkles'],
  ['⭐', 'star'],
  ['🎉', 'tada party'],
  ['🎂', 'cake birthday'],
  ['🎁', 'gift present'],
  ['☕', 'coffee tea'],
  ['🍺', 'beer'],
  ['🍕', 'pizza'],
  ['🌞', 'sun'],
  ['🌧️', 'rain'],
  ['❄️', 'snow cold'],
  ['🐱', 'cat'],
  ['🐶', 'dog'],
  ['🚀', 'rocket launch'],
  ['💡', 'idea bulb'],
  ['✅', 'check done yes'],
  ['❌', 'cross no wrong'],
  ['⚠️', 'warning'],
  ['❓', 'question'],
  ['💯', 'hundred perfect'],
  ['👀', 'eyes look'],
].map(([emoji, words]) => ({ emoji, words }));

/** The emoji whose words start with what was typed (every one for nothing typed). */
export function findEmoji(query: string): EmojiEntry[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [...EMOJI];
  return EMOJI.filter((entry) => entry.words.split(' ').some((word) => word.startsWith(q)));
}
