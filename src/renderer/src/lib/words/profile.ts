/** Profiles, avatars and nicknames in words: field labels and the panel's sentences. */
import type { ProfileView } from '../../../../shared/contract';
import { t, type MessageKey } from '../../i18n';
import { liveWords } from './live';

/** A profile field with its label (a getter: the label follows the chosen language). */
function field(key: keyof ProfileView & string): { key: keyof ProfileView; label: string } {
  return {
    key,
    get label() {
      return t(`profile.fields.${key}` as MessageKey);
    },
  };
}

/** The profile fields in the order the panel shows them, with their labels. */
export const PROFILE_FIELDS: readonly { key: keyof ProfileView; label: string }[] = [
  field('fullName'),
  field('nickname'),
  field('organisation'),
  field('email'),
  field('url'),
  field('birthday'),
  field('note'),
];

/** The profile panel's words; each is looked up when read, so it follows the chosen language. */
export const profileWords = liveWords(
  {
    ownTitle: 'profile.ownTitle',
    loading: 'profile.loading',
    empty: 'profile.empty',
    close: 'profile.close',
    save: 'profile.save',
    saving: 'profile.saving',
    saved: 'profile.saved',
    refresh: 'profile.refresh',
    avatar: 'profile.avatar',
    chooseAvatar: 'profile.chooseAvatar',
    removeAvatar: 'profile.removeAvatar',
    publicNote: 'profile.publicNote',
    avatarSaved: 'profile.avatarSaved',
    avatarRemoved: 'profile.avatarRemoved',
    showProfile: 'profile.showProfile',
  },
  {
    title: (name: string) => t('profile.title', { name }),
    avatarOf: (name: string) => t('profile.avatarOf', { name }),
    editOwn: (name: string) => t('profile.editOwn', { name }),
    nickHint: (nick: string) => t('profile.nickHint', { nick }),
  },
);
