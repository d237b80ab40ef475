import { idText } from './snowflake.js';
import type { EmulatorCore } from './core.js';
import {
  invalidFormBody,
  unknownApplication,
  unknownCommand,
  unknownGuild,
  unknownMember,
  unknownUser,
} from './errors.js';
import { channelPayload, guildPayload, memberPayload, rolePayloads, userPayload } from './payloads.js';
import { bodyObject, param } from './route-types.js';
import type { ApiRequest, RouteTable } from './route-types.js';
import type { ApplicationCommandOption, RegisteredCommand } from './types.js';

const COMMAND_NAME = /^[-_'\p{L}\p{N}]{1,32}$/u;
/** User and message commands (context menus) take spaces and capitals, and no description. */
const CONTEXT_MENU_NAME = /^(?! )[-_' \p{L}\p{N}]{1,32}(?<! )$/u;
const CHAT_INPUT = 1;
const MAX_COMMANDS_PER_TYPE: Record<number, number> = { 1: 100, 2: 15, 3: 15 };

/** Gateway discovery, identity, guild look-ups and application-command registration. */
export function appRoutes(core: EmulatorCore, gatewayUrl: () => string): RouteTable {
  const { world } = core;

  const checkApplication = (req: ApiRequest) => {
    if (param(req, 'application_id') !== world.applicationId) throw unknownApplication();
  };
  const checkGuild = (req: ApiRequest) => {
    if (param(req, 'guild_id') !== world.guildId) throw unknownGuild();
  };
  const scopeOf = (req: ApiRequest): string | undefined => {
    checkApplication(req);
    if (req.params.guild_id === undefined) return undefined;
    checkGuild(req);
    return world.guildId;
  };
  const findCommand = (req: ApiRequest) => {
    const list = world.commandsFor(scopeOf(req));
    const index = list.findIndex((c) => c.id === param(req, 'command_id'));
    if (index < 0) throw unknownCommand();
    return { list, index };
  };

  const overwrite = (req: ApiRequest) => {
    const guildId = scopeOf(req);
    const input = Array.isArray(req.body) ? (req.body as Record<string, unknown>[]) : [];
    const existing = world.commandsFor(guildId);
    const next = input.map((raw, i) =>
      buildCommand(raw, [String(i)], existing, guildId, world.nextId, world.applicationId),
    );
    checkUniqueAndCounts(next);
    existing.splice(0, existing.length, ...next);
    return { status: 200, body: next };
  };

  const upsert = (req: ApiRequest) => {
    const guildId = scopeOf(req);
    const list = world.commandsFor(guildId);
    const command = buildCommand(bodyObject(req), [], list, guildId, world.nextId, world.applicationId);
    const index = list.findIndex((c) => c.id === command.id);
    if (index >= 0) list[index] = command;
    else list.push(command);
    checkUniqueAndCounts(list);
    return { status: index >= 0 ? 200 : 201, body: command };
  };

  const patch = (req: ApiRequest) => {
    const { list, index } = findCommand(req);
    const current = list[index]!;
    const merged = { ...current, ...bodyObject(req) };
    const command = buildCommand(
      merged,
      [],
      list,
      current.guild_id,
      world.nextId,
      world.applicationId,
      current.id,
    );
    list[index] = command;
    checkUniqueAndCounts(list);
    return { status: 200, body: command };
  };

  const remove = (req: ApiRequest) => {
    const { list, index } = findCommand(req);
    list.splice(index, 1);
    return { status: 204 };
  };

  const applicationPayload = () => ({
    id: world.applicationId,
    name: world.bot.username,
    icon: null,
    description: '',
    summary: '',
    type: null,
    bot: { ...userPayload(world.bot), bot: true },
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    flags: 0,
    owner: userPayload(world.owner),
    team: null,
    approximate_guild_count: 1,
    install_params: { scopes: ['bot', 'applications.commands'], permissions: '0' },
    integration_types_config: { '0': {}, '1': {} },
    redirect_uris: [],
    interactions_endpoint_url: null,
    tags: [],
  });

  return {
    'GET /gateway': () => ({ status: 200, body: { url: gatewayUrl() } }),
    'GET /gateway/bot': () => ({
      status: 200,
      body: {
        url: gatewayUrl(),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
      },
    }),
    'GET /users/@me': () => ({ status: 200, body: { ...userPayload(world.bot), bot: true, verified: true } }),
    'GET /users/{user_id}': (req) => {
      const user = world.users.get(param(req, 'user_id'));
      if (!user) throw unknownUser();
      return { status: 200, body: userPayload(user) };
    },
    'POST /users/@me/channels': (req) => {
      const user = world.users.get(idText(bodyObject(req).recipient_id));
      if (!user) throw unknownUser();
      return { status: 200, body: channelPayload(world, world.dmChannelFor(user)) };
    },
    'GET /applications/@me': () => ({ status: 200, body: applicationPayload() }),
    'GET /oauth2/applications/@me': () => ({ status: 200, body: applicationPayload() }),

    'GET /guilds/{guild_id}': (req) => {
      checkGuild(req);
      return { status: 200, body: guildPayload(world, false) };
    },
    'GET /guilds/{guild_id}/channels': (req) => {
      checkGuild(req);
      const channels = [...world.channels.values()].filter((c) => c.guildId === world.guildId);
      return { status: 200, body: channels.map((c) => channelPayload(world, c)) };
    },
    'GET /guilds/{guild_id}/roles': (req) => {
      checkGuild(req);
      return { status: 200, body: rolePayloads(world) };
    },
    'GET /guilds/{guild_id}/members/{user_id}': (req) => {
      checkGuild(req);
      const userId = param(req, 'user_id');
      if (!world.guildMemberIds().includes(userId)) throw unknownMember();
      return { status: 200, body: memberPayload(world, userId) };
    },

    'GET /applications/{application_id}/commands': (req) => ({
      status: 200,
      body: world.commandsFor(scopeOf(req)),
    }),
    'PUT /applications/{application_id}/commands': overwrite,
    'POST /applications/{application_id}/commands': upsert,
    'GET /applications/{application_id}/commands/{command_id}': (req) => {
      const { list, index } = findCommand(req);
      return { status: 200, body: list[index] };
    },
    'PATCH /applications/{application_id}/commands/{command_id}': patch,
    'DELETE /applications/{application_id}/commands/{command_id}': remove,
    'GET /applications/{application_id}/guilds/{guild_id}/commands': (req) => ({
      status: 200,
      body: world.commandsFor(scopeOf(req)),
    }),
    'PUT /applications/{application_id}/guilds/{guild_id}/commands': overwrite,
    'POST /applications/{application_id}/guilds/{guild_id}/commands': upsert,
    'GET /applications/{application_id}/guilds/{guild_id}/commands/{command_id}': (req) => {
      const { list, index } = findCommand(req);
      return { status: 200, body: list[index] };
    },
    'PATCH /applications/{application_id}/guilds/{guild_id}/commands/{command_id}': patch,
    'DELETE /applications/{application_id}/guilds/{guild_id}/commands/{command_id}': remove,
  };
}

/** Validates one command like Discord does and keeps the id of an existing command with the same name. */
function buildCommand(
  raw: Record<string, unknown>,
  path: string[],
  existing: RegisteredCommand[],
  guildId: string | undefined,
  nextId: () => string,
  applicationId: string,
  forcedId?: string,
): RegisteredCommand {
  const type = typeof raw.type === 'number' ? raw.type : CHAT_INPUT;
  const name = raw.name;
  if (
    typeof name !== 'string' ||
    !(type === CHAT_INPUT ? COMMAND_NAME : CONTEXT_MENU_NAME).test(name) ||
    (type === CHAT_INPUT && name !== name.toLowerCase())
  ) {
    throw invalidFormBody([...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  }
  const description = typeof raw.description === 'string' ? raw.description : '';
  if (type === CHAT_INPUT && (description.length < 1 || description.length > 100)) {
    throw invalidFormBody(
      [...path, 'description'],
      'BASE_TYPE_BAD_LENGTH',
      'Must be between 1 and 100 in length.',
    );
  }
  if (type !== CHAT_INPUT && (description !== '' || raw.options !== undefined)) {
    throw invalidFormBody(
      [...path, description !== '' ? 'description' : 'options'],
      'APPLICATION_COMMAND_CONTEXT_MENU_FIELDS',
      'Context menu commands cannot have a description or options.',
    );
  }
  const options = Array.isArray(raw.options) ? (raw.options as ApplicationCommandOption[]) : undefined;
  if (options) checkOptions(options, [...path, 'options']);
  const previous = existing.find((c) => c.name === name && c.type === type);
  const permissions = raw.default_member_permissions;
  return {
    ...raw,
    id: forcedId ?? previous?.id ?? nextId(),
    application_id: applicationId,
    version: nextId(),
    type,
    name,
    description,
    ...(options ? { options } : {}),
    default_member_permissions:
      permissions === null || permissions === undefined ? null : idText(permissions),
    contexts: Array.isArray(raw.contexts) ? (raw.contexts as number[]) : null,
    integration_types: Array.isArray(raw.integration_types) ? (raw.integration_types as number[]) : [0],
    nsfw: raw.nsfw === true,
    ...(guildId ? { guild_id: guildId } : {}),
  };
}

function checkOptions(options: ApplicationCommandOption[], path: string[]): void {
  if (options.length > 25) {
    throw invalidFormBody(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  }
  const names = new Set<string>();
  let optionalSeen = false;
  options.forEach((option, i) => {
    if (typeof option.name !== 'string' || !COMMAND_NAME.test(option.name) || names.has(option.name)) {
      throw invalidFormBody(
        [...path, String(i), 'name'],
        'APPLICATION_COMMAND_INVALID_NAME',
        'Option name is invalid',
      );
    }
    names.add(option.name);
    const isSub = option.type === 1 || option.type === 2;
    if (!isSub && option.required !== true) optionalSeen = true;
    if (!isSub && option.required === true && optionalSeen) {
      throw invalidFormBody(
        [...path, String(i)],
        'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
        'Required options must be placed before non-required options',
      );
    }
    if ((option.choices?.length ?? 0) > 25) {
      throw invalidFormBody(
        [...path, String(i), 'choices'],
        'BASE_TYPE_MAX_LENGTH',
        'Must be 25 or fewer in length.',
      );
    }
    if (option.options) checkOptions(option.options, [...path, String(i), 'options']);
  });
}

function checkUniqueAndCounts(commands: RegisteredCommand[]): void {
  const seen = new Set<string>();
  const perType = new Map<number, number>();
  commands.forEach((command, i) => {
    const key = `${command.type}:${command.name}`;
    if (seen.has(key)) {
      throw invalidFormBody(
        [String(i), 'name'],
        'APPLICATION_COMMANDS_DUPLICATE_NAME',
        'Application command names must be unique',
      );
    }
    seen.add(key);
    perType.set(command.type, (perType.get(command.type) ?? 0) + 1);
  });
  for (const [type, count] of perType) {
    if (count > (MAX_COMMANDS_PER_TYPE[type] ?? 100)) {
      throw invalidFormBody(
        [],
        'APPLICATION_COMMAND_TOO_MANY',
        'Maximum number of application commands reached',
      );
    }
  }
}
