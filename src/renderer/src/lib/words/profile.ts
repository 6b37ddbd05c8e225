/** Profiles, avatars and nicknames in words: errors (profile.*), field labels and the panel's sentences. */
import type { AppErrorOf, DomainReason } from '../../../../shared/errors';
import type { ProfileView } from '../../../../shared/contract';

export function profileErrorText(error: AppErrorOf<DomainReason<'profile'>>): string {
  switch (error.reason) {
    case 'profile.notConnected':
      return 'Connect the account to read or change profiles and avatars.';
  }
}

/** The profile fields in the order the panel shows them, with their labels. */
export const PROFILE_FIELDS: readonly { key: keyof ProfileView; label: string }[] = [
  { key: 'fullName', label: 'Full name' },
  { key: 'nickname', label: 'Nickname' },
  { key: 'organisation', label: 'Organisation' },
  { key: 'email', label: 'Email' },
  { key: 'url', label: 'Website' },
  { key: 'birthday', label: 'Birthday' },
  { key: 'note', label: 'About' },
];

export const profileWords = {
  title: (name: string) => `Profile of ${name}`,
  ownTitle: 'Your profile',
  loading: 'Reading the profile…',
  empty: 'This contact has not filled in a profile.',
  close: 'Close',
  save: 'Save profile',
  saved: 'Profile saved.',
  avatar: 'Avatar',
  chooseAvatar: 'Choose a picture…',
  removeAvatar: 'Remove avatar',
  avatarSaved: 'Avatar published.',
  avatarRemoved: 'Avatar removed.',
  avatarOf: (name: string) => `Avatar of ${name}`,
  showProfile: 'Profile',
  editOwn: (name: string) => `Profile and avatar of ${name}`,
  nickHint: (nick: string) => `Calls themselves “${nick}”`,
};
