/** Permission bits the emulator reasons about (Discord's values). */
export const Permission = {
  CreateInstantInvite: 1n << 0n,
  Administrator: 1n << 3n,
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  ChangeNickname: 1n << 26n,
  UseApplicationCommands: 1n << 31n,
  CreatePublicThreads: 1n << 35n,
  SendMessagesInThreads: 1n << 38n,
} as const;

export const DEFAULT_BOT_PERMISSIONS =
  Permission.ViewChannel |
  Permission.SendMessages |
  Permission.AttachFiles |
  Permission.EmbedLinks |
  Permission.ReadMessageHistory |
  Permission.CreatePublicThreads |
  Permission.SendMessagesInThreads |
  Permission.AddReactions |
  Permission.UseExternalEmojis;

/** What an ordinary member can do; given to alice, bob and carol through a "Members" role. */
export const ORDINARY_MEMBER_PERMISSIONS =
  DEFAULT_BOT_PERMISSIONS |
  Permission.CreateInstantInvite |
  Permission.ChangeNickname |
  Permission.UseApplicationCommands;

/** A moderator: an ordinary member who may also manage (delete) others' messages. */
export const MODERATOR_PERMISSIONS = ORDINARY_MEMBER_PERMISSIONS | Permission.ManageMessages;

/** What an app may do in a DM it was invoked in (Discord sends a fixed set there). */
export const DM_APP_PERMISSIONS =
  Permission.ViewChannel |
  Permission.SendMessages |
  Permission.AttachFiles |
  Permission.EmbedLinks |
  Permission.ReadMessageHistory |
  Permission.AddReactions |
  Permission.UseExternalEmojis;

export function hasPermission(granted: bigint, needed: bigint): boolean {
  if ((granted & Permission.Administrator) !== 0n) return true;
  return (granted & needed) === needed;
}
