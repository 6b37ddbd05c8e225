/**
 * Every XML namespace the core reads or writes, in one place, named after what it is for. A feature
 * imports the ones it uses; a new one is added here, never declared again in a module.
 */

// ---------- streams (RFC 6120) ----------
export const NS_STREAM = 'http://etherx.jabber.org/streams';
export const NS_XMPP_STREAMS = 'urn:ietf:params:xml:ns:xmpp-streams';
export const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
export const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
export const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
export const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';
/** RFC 3921 session establishment, for servers that still require it. */
export const NS_SESSION = 'urn:ietf:params:xml:ns:xmpp-session';
/** XEP-0198 stream management. */
export const NS_SM = 'urn:xmpp:sm:3';
export const NS_PING = 'urn:xmpp:ping';

// ---------- roster and presence (RFC 6121) ----------
export const NS_ROSTER = 'jabber:iq:roster';
/** XEP-0237: the server offers roster versioning. */
export const NS_ROSTERVER = 'urn:xmpp:features:rosterver';
export const NS_CAPS = 'http://jabber.org/protocol/caps';
export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
export const NS_DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';
/** XEP-0232 software information in a disco#info form. */
export const NS_SOFTWARE_INFO = 'urn:xmpp:dataforms:softwareinfo';
/** XEP-0172 user nickname. */
export const NS_NICK = 'http://jabber.org/protocol/nick';
/** XEP-0191 blocking command. */
export const NS_BLOCKING = 'urn:xmpp:blocking';
/** XEP-0203 delayed delivery. */
export const NS_DELAY = 'urn:xmpp:delay';
/** XEP-0319 last user interaction in presence. */
export const NS_IDLE = 'urn:xmpp:idle:1';
/** XEP-0004 data forms. */
export const NS_DATA = 'jabber:x:data';
/** XEP-0122 data forms validation. */
export const NS_DATA_VALIDATE = 'http://jabber.org/protocol/xdata-validate';
/** XEP-0141 data forms layout. */
export const NS_DATA_LAYOUT = 'http://jabber.org/protocol/xdata-layout';
/** XEP-0221 data forms media element (XEP-0158 CAPTCHA images and sounds). */
export const NS_MEDIA = 'urn:xmpp:media-element';

// ---------- control and discovery ----------
/** XEP-0077 in-band registration: creating an account, changing its password, removing it. */
export const NS_REGISTER = 'jabber:iq:register';
/** XEP-0231 bits of binary (a CAPTCHA's image sent with the form). */
export const NS_BOB = 'urn:xmpp:bob';
/** XEP-0050 ad-hoc commands. */
export const NS_COMMANDS = 'http://jabber.org/protocol/commands';
/** XEP-0092 software version. */
export const NS_VERSION = 'jabber:iq:version';
/** XEP-0012 last activity. */
export const NS_LAST = 'jabber:iq:last';
/** XEP-0202 entity time. */
export const NS_TIME = 'urn:xmpp:time';
/** The stanzas' own namespace on a client stream. */
export const NS_CLIENT = 'jabber:client';

// ---------- group chat ----------
export const NS_MUC = 'http://jabber.org/protocol/muc';
export const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
export const NS_MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';
export const NS_MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
/** The FORM_TYPE of a voice request (XEP-0045 §8.6). */
export const NS_MUC_REQUEST = 'http://jabber.org/protocol/muc#request';
/** The FORM_TYPE of a room's extended disco#info (XEP-0045 §6.4). */
export const NS_MUC_ROOMINFO = 'http://jabber.org/protocol/muc#roominfo';
/** XEP-0249 direct invitations. */
export const NS_CONFERENCE = 'jabber:x:conference';

// ---------- bookmarks (XEP-0402, XEP-0048 in XEP-0049 storage) and PubSub ----------
export const NS_BOOKMARKS = 'urn:xmpp:bookmarks:1';
/** XEP-0402 §5.3: the server unifies XEP-0402 and XEP-0049 bookmarks (announced on the account). */
export const NS_BOOKMARKS_COMPAT = `${NS_BOOKMARKS}#compat`;
/** XEP-0402 §3.1: advertised so that other clients' bookmark changes reach us as PEP events. */
export const NS_BOOKMARKS_NOTIFY = `${NS_BOOKMARKS}+notify`;
export const NS_LEGACY_BOOKMARKS = 'storage:bookmarks';
export const NS_PRIVATE = 'jabber:iq:private';
export const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
export const NS_PUBSUB_EVENT = 'http://jabber.org/protocol/pubsub#event';
export const NS_PUBSUB_OWNER = 'http://jabber.org/protocol/pubsub#owner';
export const NS_PUBSUB_PUBLISH_OPTIONS = 'http://jabber.org/protocol/pubsub#publish-options';
export const NS_PUBSUB_NODE_CONFIG = 'http://jabber.org/protocol/pubsub#node_config';

// ---------- messages ----------
/** XEP-0184 delivery receipts. */
export const NS_RECEIPTS = 'urn:xmpp:receipts';
/** XEP-0333 chat markers ("displayed"). */
export const NS_CHAT_MARKERS = 'urn:xmpp:chat-markers:0';
/** XEP-0490 message displayed synchronization: our read position per conversation in our own PEP. */
export const NS_MDS = 'urn:xmpp:mds:displayed:0';
/** XEP-0490: advertised so that our other clients' read positions reach us as PEP events. */
export const NS_MDS_NOTIFY = `${NS_MDS}+notify`;
/** XEP-0280 message carbons. */
export const NS_CARBONS = 'urn:xmpp:carbons:2';
/** XEP-0297 stanza forwarding. */
export const NS_FORWARD = 'urn:xmpp:forward:0';
/** XEP-0359 unique and stable stanza ids. */
export const NS_SID = 'urn:xmpp:sid:0';
/** XEP-0308 last message correction. */
export const NS_CORRECT = 'urn:xmpp:message-correct:0';
/** XEP-0313 message archive management. */
export const NS_MAM = 'urn:xmpp:mam:2';
/** XEP-0085 chat states. */
export const NS_CHATSTATES = 'http://jabber.org/protocol/chatstates';
/** XEP-0334 message processing hints. */
export const NS_HINTS = 'urn:xmpp:hints';
/** XEP-0059 result set management. */
export const NS_RSM = 'http://jabber.org/protocol/rsm';

// ---------- files and encryption ----------
/** XEP-0363 HTTP file upload. */
export const NS_UPLOAD = 'urn:xmpp:http:upload:0';
/** XEP-0066 out-of-band data: the URL of a shared file. */
export const NS_OOB = 'jabber:x:oob';
/** XEP-0446 file metadata: a shared file's name, size and media type. */
export const NS_FILE_METADATA = 'urn:xmpp:file:metadata:0';
/** XEP-0447 stateless file sharing (read only: where XEP-0446 metadata may come wrapped). */
export const NS_SFS = 'urn:xmpp:sfs:0';
/** XEP-0380 explicit message encryption. */
export const NS_EME = 'urn:xmpp:eme:0';
/** XEP-0384 OMEMO 0.3 (the namespace Conversations, Dino, Gajim and profanity speak). */
export const NS_OMEMO_03 = 'eu.siacs.conversations.axolotl';

// ---------- who is who: avatars, nicknames, profiles ----------
/** XEP-0084 user avatar: the metadata node (what the avatar is) and the data node (its bytes). */
export const NS_AVATAR_METADATA = 'urn:xmpp:avatar:metadata';
export const NS_AVATAR_DATA = 'urn:xmpp:avatar:data';
/** Advertised so that contacts' avatar and nickname changes reach us as PEP events (XEP-0163 §4). */
export const NS_AVATAR_METADATA_NOTIFY = `${NS_AVATAR_METADATA}+notify`;
export const NS_NICK_NOTIFY = 'http://jabber.org/protocol/nick+notify';
/** XEP-0054 vcard-temp, and XEP-0153's avatar hash in presence. */
export const NS_VCARD = 'vcard-temp';
export const NS_VCARD_UPDATE = 'vcard-temp:x:update';
/** XEP-0292 vCard4 over XMPP (the PEP node and the vCard namespace). */
export const NS_VCARD4_NODE = 'urn:xmpp:vcard4';
export const NS_VCARD4 = 'urn:ietf:params:xml:ns:vcard-4.0';
/** XEP-0398: our server copies a PEP avatar into our vCard (and back) and puts its hash in our presence. */
export const NS_PEP_VCARD_CONVERSION = 'urn:xmpp:pep-vcard-conversion:0';

// ---------- replies, reactions, retractions ----------
/** XEP-0461 message replies. */
export const NS_REPLY = 'urn:xmpp:reply:0';
/** XEP-0428 fallback indication (and the older namespace clients still send). */
export const NS_FALLBACK = 'urn:xmpp:fallback:0';
export const NS_FALLBACK_LEGACY = 'urn:xmpp:feature-fallback:0';
/** XEP-0444 message reactions. */
export const NS_REACTIONS = 'urn:xmpp:reactions:0';
/** XEP-0424 message retraction, and its version 0 inside a XEP-0422 fastening that older clients send. */
export const NS_RETRACT = 'urn:xmpp:message-retract:1';
export const NS_RETRACT_LEGACY = 'urn:xmpp:message-retract:0';
export const NS_FASTEN = 'urn:xmpp:fasten:0';
/** XEP-0425 moderation of room messages (and its version 0). */
export const NS_MODERATE = 'urn:xmpp:message-moderate:1';
export const NS_MODERATE_LEGACY = 'urn:xmpp:message-moderate:0';
/** XEP-0421 anonymous unique occupant identifiers. */
export const NS_OCCUPANT_ID = 'urn:xmpp:occupant-id:0';
