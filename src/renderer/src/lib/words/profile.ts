/** Profiles, avatars and nicknames in words: field labels and the panel's sentences. */
import type { ProfileView } from '../../../../shared/contract';
import { t, type MessageKey } from '../../i18n';

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
export const profileWords = {
  title: (name: string) => t('profile.title', { name }),
  get ownTitle() {
    return t('profile.ownTitle');
  },
  get loading() {
    return t('profile.loading');
  },
  get empty() {
    return t('profile.empty');
  },
  get close() {
    return t('profile.close');
  },
  get save() {
    return t('profile.save');
  },
  get saving() {
    return t('profile.saving');
  },
  get saved() {
    return t('profile.saved');
  },
  get refresh() {
    return t('profile.refresh');
  },
  get avatar() {
    return t('profile.avatar');
  },
  get chooseAvatar() {
    return t('profile.chooseAvatar');
  },
  get removeAvatar() {
    return t('profile.removeAvatar');
  },
  get avatarSaved() {
    return t('profile.avatarSaved');
  },
  get avatarRemoved() {
    return t('profile.avatarRemoved');
  },
  avatarOf: (name: string) => t('profile.avatarOf', { name }),
  get showProfile() {
    return t('profile.showProfile');
  },
  editOwn: (name: string) => t('profile.editOwn', { name }),
  nickHint: (nick: string) => t('profile.nickHint', { nick }),
};
