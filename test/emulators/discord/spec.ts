import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction, ErrorObject } from 'ajv/dist/2020.js';

// ajv-formats is CommonJS whose typings declare an ES default export; requiring it sidesteps the mismatch.
const require = createRequire(import.meta.url);
const addFormats = require('ajv-formats') as (ajv: Ajv2020) => Ajv2020;

export function defaultSpecPath(): string {
  return resolve(process.cwd(), '../shared/discord-api-spec/openapi.json');
}

const SPEC_ID = 'spec';
const MAX_REPORTED_ERRORS = 20;

type JsonObject = Record<string, unknown>;

export interface RouteMatch {
  template: string;
  params: Record<string, string>;
}

interface RouteTemplate {
  template: string;
  segments: string[];
  literalCount: number;
}

/**
 * The OpenAPI description as a route table and a body validator. Compiling the big union schemas is slow,
 * so validators are compiled lazily per operation and the whole thing is shared per spec file.
 */
export class SpecValidator {
  private readonly routes: RouteTemplate[];
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction | null>();

  constructor(private readonly spec: JsonObject) {
    const paths = spec.paths as Record<string, unknown>;
    this.routes = Object.keys(paths).map((template) => {
      const segments = template.split('/').filter(Boolean);
      return { template, segments, literalCount: segments.filter((s) => !isParam(s)).length };
    });
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addFormat('snowflake', /^(0|[1-9][0-9]*)$/);
    this.ajv.addFormat('nonce', true);
    this.ajv.addSchema(spec, SPEC_ID);
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
    return this.operation(template, method) !== undefined;
  }

  /** Returns the validation errors of a body, or [] when it is valid or the operation takes no body. */
  validateBody(template: string, method: string, body: unknown): string[] {
    const validate = this.validatorFor(template, method);
    if (validate === null) return [];
    if (body === undefined) {
      const required = (this.operation(template, method)?.requestBody as JsonObject | undefined)?.required;
      return required === true ? ['request body is required'] : [];
    }
    if (validate(body)) return [];
    return formatErrors(validate.errors ?? []);
  }

  private operation(template: string, method: string): JsonObject | undefined {
    const pathItem = (this.spec.paths as Record<string, JsonObject | undefined>)[template];
    return pathItem?.[method.toLowerCase()] as JsonObject | undefined;
  }

  private validatorFor(template: string, method: string): ValidateFunction | null {
    const key = `${method} ${template}`;
    const cached = this.compiled.get(key);
    if (cached !== undefined) return cached;
    const content = (this.operation(template, method)?.requestBody as JsonObject | undefined)?.content as
      Record<string, JsonObject | undefined> | undefined;
    // A multipart body's payload_json is the JSON body of the same operation.
    const schema = content?.['application/json']?.schema ?? content?.['multipart/form-data']?.schema;
    const validate = schema === undefined ? null : this.ajv.compile(pointRefsAtSpec(schema) as JsonObject);
    this.compiled.set(key, validate);
    return validate;
  }
}

const validators = new Map<string, SpecValidator>();

/** One validator per spec file for the whole process: every test starts an emulator, the spec never changes. */
export function loadSpecValidator(specPath: string): SpecValidator {
  const existing = validators.get(specPath);
  if (existing) return existing;
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as JsonObject;
  applyDocumentedLimits(spec);
  const validator = new SpecValidator(spec);
  validators.set(specPath, validator);
  return validator;
}

/** Where the spec disagrees with Discord's documentation, the documentation wins. */
function applyDocumentedLimits(spec: JsonObject): void {
  const schemas = (spec.components as JsonObject).schemas as Record<string, JsonObject | undefined>;
  const content = (schemas.MessageCreateRequest?.properties as JsonObject | undefined)?.content as
    JsonObject | undefined;
  if (content) content.maxLength = 2000;
}

function isParam(segment: string): boolean {
  return segment.startsWith('{') && segment.endsWith('}');
}

function pointRefsAtSpec(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(pointRefsAtSpec);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith('#')
        ? SPEC_ID + value
        : pointRefsAtSpec(value);
  }
  return out;
}

function formatErrors(errors: ErrorObject[]): string[] {
  // Union branches each report their own failures; the distinct messages are what a reader needs.
  const lines = new Set(errors.map((e) => `${e.instancePath || '(body)'} ${e.message ?? e.keyword}`));
  return [...lines].slice(0, MAX_REPORTED_ERRORS);
}
