export { startDiscordEmulator } from './emulator.js';
export { Permission, DEFAULT_BOT_PERMISSIONS } from './permissions.js';
export { Intent, shardOf } from './gateway.js';
export { FIXED_IDS } from './world.js';
export { MessageFlag } from './message-input.js';
export type {
  ApplicationCommandOption,
  AttachmentRecord,
  CommandOptionValue,
  DiscordEmulator,
  DiscordEmulatorOptions,
  DispatchComponentInput,
  DispatchMessageInput,
  FakeUser,
  InteractionCallbackRecord,
  InteractionContext,
  InteractionHandle,
  InjectedFault,
  InteractionState,
  MessageRecord,
  RecordedFile,
  RecordedRequest,
  RegisteredCommand,
  SpecViolation,
  ThreadRecord,
  UploadInput,
} from './types.js';
