import { channelPayload, memberPayload, rolePayloads, threadPayload, userPayload } from './payloads.js';
import type { World } from './world.js';
import type {
  ApplicationCommandOption,
  AttachmentRecord,
  CommandOptionValue,
  RegisteredCommand,
  UploadInput,
} from './types.js';

export const OptionType = {
  Subcommand: 1,
  SubcommandGroup: 2,
  String: 3,
  Integer: 4,
  Boolean: 5,
  User: 6,
  Channel: 7,
  Role: 8,
  Mentionable: 9,
  Number: 10,
  Attachment: 11,
} as const;

type Json = Record<string, unknown>;

export interface ResolvedData {
  users?: Record<string, Json>;
  members?: Record<string, Json>;
  roles?: Record<string, Json>;
  channels?: Record<string, Json>;
  attachments?: Record<string, AttachmentRecord>;
  messages?: Record<string, Json>;
}

interface CheckedOption {
  spec: ApplicationCommandOption;
  value: CommandOptionValue;
}

/**
 * Turns the test's `{ name: value }` into interaction options, checked against the command the bot
 * registered: unknown or missing options, wrong types and values outside the choices are test mistakes.
 */
export async function buildCommandOptions(
  command: RegisteredCommand,
  subPath: string[],
  values: Record<string, CommandOptionValue>,
  world: World,
  hostAttachment: (upload: UploadInput) => Promise<AttachmentRecord>,
): Promise<{ options: Json[]; resolved: ResolvedData }> {
  const label = [command.name, ...subPath].join(' ');
  const { leafOptions, wrap } = descend(command, subPath);
  const checked = checkValues(label, leafOptions, values, world);
  const resolved: ResolvedData = {};
  const leaf: Json[] = [];
  for (const { spec, value } of checked) {
    leaf.push({
      name: spec.name,
      type: spec.type,
      value: await resolveValue(spec, value, world, resolved, hostAttachment),
    });
  }
  return { options: wrap(leaf), resolved };
}

function descend(
  command: RegisteredCommand,
  subPath: string[],
): { leafOptions: ApplicationCommandOption[]; wrap: (leaf: Json[]) => Json[] } {
  let options = command.options ?? [];
  const chain: ApplicationCommandOption[] = [];
  for (const part of subPath) {
    const next = options.find(
      (o) => o.name === part && (o.type === OptionType.Subcommand || o.type === OptionType.SubcommandGroup),
    );
    if (!next) throw new Error(`command "${command.name}" has no subcommand "${part}"`);
    chain.push(next);
    options = next.options ?? [];
  }
  const needsSub = options.some(
    (o) => o.type === OptionType.Subcommand || o.type === OptionType.SubcommandGroup,
  );
  if (needsSub) {
    const names = options.map((o) => o.name).join(', ');
    throw new Error(`command "${[command.name, ...subPath].join(' ')}" needs a subcommand (one of ${names})`);
  }
  const wrap = (leaf: Json[]): Json[] =>
    chain.reduceRight<Json[]>((inner, sub) => [{ name: sub.name, type: sub.type, options: inner }], leaf);
  return { leafOptions: options, wrap };
}

function checkValues(
  label: string,
  specs: ApplicationCommandOption[],
  values: Record<string, CommandOptionValue>,
  world: World,
): CheckedOption[] {
  for (const name of Object.keys(values)) {
    if (!specs.some((s) => s.name === name)) throw new Error(`/${label} has no option "${name}"`);
  }
  const checked: CheckedOption[] = [];
  for (const spec of specs) {
    const value = values[spec.name];
    if (value === undefined) {
      if (spec.required) throw new Error(`/${label} needs option "${spec.name}"`);
      continue;
    }
    const problem = typeProblem(spec, value, world);
    if (problem) throw new Error(`/${label} option "${spec.name}": ${problem}`);
    if (spec.choices && !spec.choices.some((c) => c.value === value)) {
      const allowed = spec.choices.map((c) => JSON.stringify(c.value)).join(', ');
      throw new Error(`/${label} option "${spec.name}": ${JSON.stringify(value)} is not one of ${allowed}`);
    }
    checked.push({ spec, value });
  }
  return checked;
}

function typeProblem(spec: ApplicationCommandOption, value: CommandOptionValue, world: World): string | null {
  switch (spec.type) {
    case OptionType.String: {
      if (typeof value !== 'string') return 'expects a string';
      const length = [...value].length;
      if (spec.min_length !== undefined && length < spec.min_length) return `shorter than ${spec.min_length}`;
      if (spec.max_length !== undefined && length > spec.max_length) return `longer than ${spec.max_length}`;
      return null;
    }
    case OptionType.Integer:
    case OptionType.Number: {
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'expects a number';
      if (spec.type === OptionType.Integer && !Number.isInteger(value)) return 'expects an integer';
      if (spec.min_value !== undefined && value < spec.min_value) return `below ${spec.min_value}`;
      if (spec.max_value !== undefined && value > spec.max_value) return `above ${spec.max_value}`;
      return null;
    }
    case OptionType.Boolean:
      return typeof value === 'boolean' ? null : 'expects a boolean';
    case OptionType.User:
      return typeof value === 'string' && world.users.has(value) ? null : 'expects the id of a known user';
    case OptionType.Channel: {
      if (typeof value !== 'string' || !world.findChannel(value)) return 'expects the id of a known channel';
      const found = world.findChannel(value);
      const type = found?.thread ? found.thread.type : found?.channel?.type;
      if (spec.channel_types && type !== undefined && !spec.channel_types.includes(type)) {
        return `channel type ${type} is not allowed`;
      }
      return null;
    }
    case OptionType.Role:
      return typeof value === 'string' && isRole(world, value) ? null : 'expects the id of a known role';
    case OptionType.Mentionable:
      return typeof value === 'string' && (world.users.has(value) || isRole(world, value))
        ? null
        : 'expects the id of a known user or role';
    case OptionType.Attachment:
      return typeof value === 'object' && Buffer.isBuffer(value.data) && typeof value.filename === 'string'
        ? null
        : 'expects { filename, data }';
    default:
      return `option type ${spec.type} cannot take a value`;
  }
}

function isRole(world: World, id: string): boolean {
  return rolePayloads(world).some((r) => r.id === id);
}

async function resolveValue(
  spec: ApplicationCommandOption,
  value: CommandOptionValue,
  world: World,
  resolved: ResolvedData,
  hostAttachment: (upload: UploadInput) => Promise<AttachmentRecord>,
): Promise<string | number | boolean> {
  if (spec.type === OptionType.Attachment) {
    const attachment = await hostAttachment(value as UploadInput);
    resolved.attachments = { ...resolved.attachments, [attachment.id]: attachment };
    return attachment.id;
  }
  if (typeof value === 'object') throw new Error(`option "${spec.name}" cannot take a file`);
  if (typeof value !== 'string') return value;
  const user = world.users.get(value);
  if ((spec.type === OptionType.User || spec.type === OptionType.Mentionable) && user) {
    resolved.users = { ...resolved.users, [user.id]: userPayload(user) };
    if (world.guildMemberIds().includes(user.id)) {
      resolved.members = {
        ...resolved.members,
        [user.id]: {
          ...memberPayload(world, user.id, false),
          permissions: world.permissionsOf(user.id).toString(),
        },
      };
    }
  } else if (spec.type === OptionType.Role || spec.type === OptionType.Mentionable) {
    const role = rolePayloads(world).find((r) => r.id === value);
    if (role) resolved.roles = { ...resolved.roles, [value]: role };
  } else if (spec.type === OptionType.Channel) {
    const found = world.findChannel(value);
    const payload = found?.thread
      ? threadPayload(found.thread, found.thread.memberIds.includes(world.bot.id), world.bot.id)
      : found?.channel
        ? channelPayload(world, found.channel)
        : { id: value };
    resolved.channels = {
      ...resolved.channels,
      [value]: { ...payload, permissions: world.settings.botPermissions.toString() },
    };
  }
  return value;
}
