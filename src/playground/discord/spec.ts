import * as api from 'discord-api-spec/zod';
import * as z from 'zod/mini';

// The package's typings are a TypeScript source that this project's compiler options reject (it is compiled as
// CommonJS under verbatimModuleSyntax), so its route list is imported without them: a specifier TypeScript
// does not resolve.
const ROUTE_LIST_ENTRY = 'discord-api-spec';
const { pathsList } = (await import(ROUTE_LIST_ENTRY)) as { pathsList: Record<string, readonly string[]> };

const MAX_REPORTED_ERRORS = 20;

/** Discord's limit; the description says 4000. Where the description and the documentation disagree, the documentation wins. */
const MAX_MESSAGE_CONTENT = 2000;

const messageCreate = z.extend(api.MessageCreateRequestSchema, {
  content: z.nullish(z.string().check(z.maxLength(MAX_MESSAGE_CONTENT))),
});
const commandList = z.nullable(z.array(api.ApplicationCommandUpdateRequestSchema).check(z.maxLength(130)));

/**
 * The request body of each operation the emulator serves, as the description's `requestBody` names it (inline
 * unions written out with the description's own schemas). Every one of them is required by the description.
 * The emulator refuses to start with a served POST, PUT or PATCH missing here unless it is in BODYLESS.
 */
const REQUEST_BODIES: Record<string, z.ZodMiniType> = {
  'POST /interactions/{interaction_id}/{interaction_token}/callback': z.union([
    api.ApplicationCommandAutocompleteCallbackRequestSchema,
    api.CreateMessageInteractionCallbackRequestSchema,
    api.LaunchActivityInteractionCallbackRequestSchema,
    api.ModalInteractionCallbackRequestSchema,
    api.PongInteractionCallbackRequestSchema,
    api.SocialLayerSKUPurchaseEligibilityInteractionCallbackRequestSchema,
    api.UpdateMessageInteractionCallbackRequestSchema,
  ]),
  'PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original':
    api.IncomingWebhookUpdateRequestPartialSchema,
  'PATCH /webhooks/{webhook_id}/{webhook_token}/messages/{message_id}':
    api.IncomingWebhookUpdateRequestPartialSchema,
  'POST /webhooks/{webhook_id}/{webhook_token}': z.union([
    api.IncomingWebhookRequestPartialSchema,
    api.IncomingWebhookUpdateRequestPartialSchema,
  ]),
  'POST /users/@me/channels': api.CreatePrivateChannelRequestSchema,
  'PUT /applications/{application_id}/commands': commandList,
  'POST /applications/{application_id}/commands': api.ApplicationCommandCreateRequestSchema,
  'PATCH /applications/{application_id}/commands/{command_id}':
    api.ApplicationCommandPatchRequestPartialSchema,
  'PUT /applications/{application_id}/guilds/{guild_id}/commands': commandList,
  'POST /applications/{application_id}/guilds/{guild_id}/commands': api.ApplicationCommandCreateRequestSchema,
  'PATCH /applications/{application_id}/guilds/{guild_id}/commands/{command_id}':
    api.ApplicationCommandPatchRequestPartialSchema,
  'PATCH /channels/{channel_id}': z.union([
    api.UpdateDMRequestPartialSchema,
    api.UpdateGroupDMRequestPartialSchema,
    api.UpdateGuildChannelRequestPartialSchema,
    api.UpdateThreadRequestPartialSchema,
  ]),
  'POST /channels/{channel_id}/messages': messageCreate,
  'PATCH /channels/{channel_id}/messages/{message_id}': api.MessageEditRequestPartialSchema,
  'POST /channels/{channel_id}/messages/{message_id}/threads': api.CreateTextThreadWithMessageRequestSchema,
};

/** Served writes whose operation takes no request body in the description. */
const BODYLESS = new Set([
  'POST /channels/{channel_id}/typing',
  'PUT /channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me',
]);

export interface RouteMatch {
  template: string;
  params: Record<string, string>;
}

interface RouteTemplate {
  template: string;
  segments: string[];
  literalCount: number;
}

/** Discord's API description (the discord-api-spec package) as a route table and a request body validator. */
export class SpecValidator {
  private readonly routes: RouteTemplate[];

  constructor(private readonly operations: Record<string, readonly string[]>) {
    const templates = new Set(Object.values(operations).flat());
    this.routes = [...templates].map((template) => {
      const segments = template.split('/').filter(Boolean);
      return { template, segments, literalCount: segments.filter((s) => !isParam(s)).length };
    });
  }

  /** Finds the template for decoded path segments; literal segments (`@original`, `@me`) beat parameters. */
  matchRoute(segments: string[]): RouteMatch | null {
    let best: RouteTemplate | null = null;
    for (const route of this.routes) {
      if (route.segments.length !== segments.length) continue;
      const fits = route.segments.every((part, i) => isParam(part) || part === segments[i]);
      if (fits && (best === null || route.literalCount > best.literalCount)) best = route;
    }
    if (best === null) return null;
    const params: Record<string, string> = {};
    best.segments.forEach((part, i) => {
      if (isParam(part)) params[part.slice(1, -1)] = segments[i] ?? '';
    });
    return { template: best.template, params };
  }

  hasOperation(template: string, method: string): boolean {
    return this.operations[method.toLowerCase()]?.includes(template) ?? false;
  }

  /** Why a served operation could let a body through unchecked; null when its body is accounted for. */
  uncheckedBody(template: string, method: string): string | null {
    const key = `${method} ${template}`;
    if (!['POST', 'PUT', 'PATCH'].includes(method) || key in REQUEST_BODIES || BODYLESS.has(key)) return null;
    return `emulator route ${key} has no request body schema (add it to REQUEST_BODIES, or to BODYLESS)`;
  }

  /** Returns the validation errors of a body, or [] when it is valid or the operation takes no body. */
  validateBody(template: string, method: string, body: unknown): string[] {
    const schema = REQUEST_BODIES[`${method} ${template}`];
    if (schema === undefined) return [];
    if (body === undefined) return ['request body is required'];
    const result = z.safeParse(schema, body);
    if (result.success) return [];
    return [...new Set(issueLines(result.error.issues))].slice(0, MAX_REPORTED_ERRORS);
  }
}

let shared: SpecValidator | undefined;

/** One validator for the whole process: every test starts an emulator, the description never changes. */
export function loadSpecValidator(): SpecValidator {
  shared ??= new SpecValidator(pathsList);
  return shared;
}

function isParam(segment: string): boolean {
  return segment.startsWith('{') && segment.endsWith('}');
}

type Issue = z.core.$ZodIssue;

/** `/path message` per issue; a union's branches each report their own failures, which are what a reader needs. */
function issueLines(issues: readonly Issue[], prefix: readonly PropertyKey[] = []): string[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      return issue.errors.flatMap((branch) => issueLines(branch, path));
    }
    const where = path.length === 0 ? '(body)' : `/${path.map(String).join('/')}`;
    return [`${where} ${issue.message} (${describe(issue)})`];
  });
}

function describe(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'too_big':
      return `at most ${String(issue.maximum)}`;
    case 'too_small':
      return `at least ${String(issue.minimum)}`;
    case 'invalid_value':
      return `one of ${issue.values.map(String).join(', ')}`;
    default:
      return issue.code;
  }
}
