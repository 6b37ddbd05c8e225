/**
 * Group chat (XEP-0045): rooms by (account, room), each room's occupants in an OccupantIndex keyed by
 * nick, the latest notices per room, bookmarks per account, and pending invitations. Maps live in
 * shallowRefs triggered once per batch; a muc.occupants event is applied to its room's index in one
 * pass (a 5,000-occupant join is one rebuild with one sort per grouping, later changes a splice).
 */
import { defineStore } from 'pinia';
import { ChangedRefs } from '../lib/changed-refs';
import { computed, shallowRef, triggerRef } from 'vue';
import type {
  AppEvent,
  BookmarkView,
  RoomInviteView,
  VoiceRequestView,
  RoomNoticeView,
  RoomView,
  Snapshot,
} from '../../../shared/contract';
import { OccupantIndex } from '../lib/muc-occupants';
import { dropAccountEntries, entryKey } from '../lib/roster-model';

/** Notices kept per room (the core keeps as many). */
export const NOTICES_KEPT = 50;

export function roomKey(accountId: string, room: string): string {
  return entryKey(accountId, room);
}

/** Rooms of one account in a stable order: by address. */
export function compareRooms(a: RoomView, b: RoomView): number {
  return a.room < b.room ? -1 : a.room > b.room ? 1 : 0;
}

export const useMucStore = defineStore('muc', () => {
  /** By roomKey(accountId, room). */
  const rooms = shallowRef(new Map<string, RoomView>());
  /** By roomKey; an index exists for every room we have heard occupants of. */
  const occupants = shallowRef(new Map<string, OccupantIndex>());
  /** By roomKey, oldest first. */
  const notices = shallowRef(new Map<string, RoomNoticeView[]>());
  /** By account id. */
  const bookmarks = shallowRef(new Map<string, BookmarkView[]>());
  /** By entryKey(accountId, invite id), in arrival order. */
  const invites = shallowRef(new Map<string, RoomInviteView>());
  /** Voice requests for rooms we moderate, by entryKey(accountId, request id), in arrival order. */
  const voiceRequests = shallowRef(new Map<string, VoiceRequestView>());

  /** Rooms per account id, each list sorted by address (rebuilt once per rooms change). */
  const roomsByAccount = computed(() => {
    const out = new Map<string, RoomView[]>();
    for (const room of rooms.value.values()) {
      const list = out.get(room.accountId);
      if (list) list.push(room);
      else out.set(room.accountId, [room]);
    }
    for (const list of out.values()) list.sort(compareRooms);
    return out;
  });
  const inviteList = computed(() => [...invites.value.values()]);

  function room(accountId: string, jid: string): RoomView | undefined {
    return rooms.value.get(roomKey(accountId, jid));
  }

  function occupantsOf(accountId: string, jid: string): OccupantIndex | undefined {
    return occupants.value.get(roomKey(accountId, jid));
  }

  function noticesOf(accountId: string, jid: string): readonly RoomNoticeView[] {
    return notices.value.get(roomKey(accountId, jid)) ?? [];
  }

  function bookmarksOf(accountId: string): readonly BookmarkView[] {
    return bookmarks.value.get(accountId) ?? [];
  }

  function bookmark(accountId: string, jid: string): BookmarkView | undefined {
    return bookmarksOf(accountId).find((b) => b.room === jid);
  }

  function indexFor(key: string): OccupantIndex {
    let index = occupants.value.get(key);
    if (!index) {
      index = new OccupantIndex();
      occupants.value.set(key, index);
    }
    return index;
  }

  function addNotice(map: Map<string, RoomNoticeView[]>, notice: RoomNoticeView) {
    const key = roomKey(notice.accountId, notice.room);
    const list = map.get(key);
    if (!list) {
      map.set(key, [notice]);
      return;
    }
    list.push(notice);
    if (list.length > NOTICES_KEPT) list.splice(0, list.length - NOTICES_KEPT);
  }

  function applySnapshot(snapshot: Snapshot) {
    rooms.value = new Map((snapshot.rooms ?? []).map((r) => [roomKey(r.accountId, r.room), r]));
    const grouped = new Map<string, typeof snapshot.occupants>();
    for (const view of snapshot.occupants ?? []) {
      const key = roomKey(view.accountId, view.room);
      const list = grouped.get(key);
      if (list) list.push(view);
      else grouped.set(key, [view]);
    }
    const indexes = new Map<string, OccupantIndex>();
    for (const [key, views] of grouped) {
      const index = new OccupantIndex();
      index.reset(views);
      indexes.set(key, index);
    }
    occupants.value = indexes;
    const noticeMap = new Map<string, RoomNoticeView[]>();
    for (const notice of snapshot.roomNotices ?? []) addNotice(noticeMap, notice);
    notices.value = noticeMap;
    const marks = new Map<string, BookmarkView[]>();
    for (const mark of snapshot.bookmarks ?? []) {
      const list = marks.get(mark.accountId);
      if (list) list.push(mark);
      else marks.set(mark.accountId, [mark]);
    }
    bookmarks.value = marks;
    invites.value = new Map((snapshot.roomInvites ?? []).map((i) => [entryKey(i.accountId, i.id), i]));
    voiceRequests.value = new Map((snapshot.voiceRequests ?? []).map((r) => [entryKey(r.accountId, r.id), r]));
  }

  /** The voice requests waiting in one room. */
  function voiceRequestsOf(accountId: string, room: string): VoiceRequestView[] {
    return [...voiceRequests.value.values()].filter((r) => r.accountId === accountId && r.room === room);
  }

  /** One action per batch: every group-chat event in order, then one trigger per map that changed. */
  function applyEvents(events: readonly AppEvent[]) {
    const changed = new ChangedRefs();
    for (const event of events) {
      switch (event.type) {
        case 'muc.room':
          changed.set(rooms, roomKey(event.room.accountId, event.room.room), event.room);
          break;
        case 'muc.roomRemoved': {
          const key = roomKey(event.accountId, event.room);
          changed.delete(rooms, key);
          changed.delete(occupants, key);
          changed.delete(notices, key);
          break;
        }
        case 'muc.occupants':
          indexFor(roomKey(event.accountId, event.room)).apply(event.changed, event.left);
          changed.mark(occupants);
          break;
        case 'muc.notice':
          addNotice(notices.value, event.notice);
          changed.mark(notices);
          break;
        case 'muc.bookmarks':
          changed.set(bookmarks, event.accountId, event.bookmarks);
          break;
        case 'muc.invite':
          changed.set(invites, entryKey(event.invite.accountId, event.invite.id), event.invite);
          break;
        case 'muc.inviteRemoved':
          changed.delete(invites, entryKey(event.accountId, event.id));
          break;
        case 'muc.voiceRequest':
          changed.set(voiceRequests, entryKey(event.request.accountId, event.request.id), event.request);
          break;
        case 'muc.voiceRequestRemoved':
          changed.delete(voiceRequests, entryKey(event.accountId, event.id));
          break;
        case 'account.removed':
          // Rare: one pass over the maps is fine here.
          for (const map of [rooms, occupants, notices, invites, voiceRequests])
            changed.mark(map, dropAccountEntries(map.value, event.id));
          changed.delete(bookmarks, event.id);
          break;
      }
    }
    changed.trigger();
  }

  /** Shows a room a command answered with at once (the core also sends muc.room). */
  function setRoom(view: RoomView) {
    rooms.value.set(roomKey(view.accountId, view.room), view);
    triggerRef(rooms);
  }

  return {
    rooms,
    occupants,
    notices,
    bookmarks,
    invites,
    voiceRequests,
    voiceRequestsOf,
    roomsByAccount,
    inviteList,
    room,
    occupantsOf,
    noticesOf,
    bookmarksOf,
    bookmark,
    applySnapshot,
    applyEvents,
    setRoom,
  };
});
