import { invalidArgument, type ErrorAnswer } from './google-errors.js';
import {
  ACCEPTED_INPUT_MIME_TYPES,
  maxInputImages,
  modelThinks,
  supportedAspectRatios,
  supportedImageSizes,
  supportedSearchTypes,
  supportedThinkingLevels,
} from './model-catalogue.js';
import type { GeminiContentJson, GenerationConfigJson, RecordedImage } from './types.js';

/** Inline request limit since Jan 2026. */
export const MAX_REQUEST_BYTES = 100 * 1024 * 1024;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The API accepts proto field names in camelCase and snake_case alike. */
function field(object: JsonObject, camelName: string): unknown {
  if (camelName in object) return object[camelName];
  const snakeName = camelName.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  return object[snakeName];
}

function stringField(object: JsonObject, camelName: string): string | undefined {
  const value = field(object, camelName);
  return typeof value === 'string' ? value : undefined;
}

export interface ReadTurns {
  contents: GeminiContentJson[];
  texts: string[];
  images: RecordedImage[];
  history: GeminiContentJson[];
  generationConfig: GenerationConfigJson | undefined;
  tools: unknown[] | undefined;
}

function contentsOf(body: unknown): GeminiContentJson[] {
  if (!isObject(body)) return [];
  const contents = body['contents'];
  return Array.isArray(contents) ? contents.filter(isObject) : [];
}

function partsOf(content: GeminiContentJson): JsonObject[] {
  return Array.isArray(content.parts) ? content.parts.filter(isObject) : [];
}

function isUserTurn(content: GeminiContentJson): boolean {
  return content.role === undefined || content.role === 'user';
}

interface InlineImage {
  mimeType: string | undefined;
  data: string | undefined;
}

function inlineImageOf(part: JsonObject): InlineImage | undefined {
  const inline = field(part, 'inlineData');
  if (!isObject(inline)) return undefined;
  return { mimeType: stringField(inline, 'mimeType'), data: stringField(inline, 'data') };
}

function normaliseGenerationConfig(raw: unknown): GenerationConfigJson | undefined {
  if (!isObject(raw)) return undefined;
  const config: GenerationConfigJson = { ...raw };
  const imageConfig = field(raw, 'imageConfig');
  if (isObject(imageConfig)) {
    config.imageConfig = {
      aspectRatio: stringField(imageConfig, 'aspectRatio'),
      imageSize: stringField(imageConfig, 'imageSize'),
    };
  }
  const thinkingConfig = field(raw, 'thinkingConfig');
  if (isObject(thinkingConfig)) {
    const includeThoughts = field(thinkingConfig, 'includeThoughts');
    config.thinkingConfig = {
      thinkingLevel: stringField(thinkingConfig, 'thinkingLevel'),
      ...(typeof includeThoughts === 'boolean' ? { includeThoughts } : {}),
    };
  }
  const candidateCount = field(raw, 'candidateCount');
  if (typeof candidateCount === 'number') config.candidateCount = candidateCount;
  const modalities = field(raw, 'responseModalities');
  if (Array.isArray(modalities)) config.responseModalities = modalities.map(String);
  return config;
}

export function readTurns(body: unknown): ReadTurns {
  const contents = contentsOf(body);
  let lastUserIndex = -1;
  contents.forEach((content, index) => {
    if (isUserTurn(content)) lastUserIndex = index;
  });
  const lastUserTurn = contents[lastUserIndex];
  const texts: string[] = [];
  const images: RecordedImage[] = [];
  for (const part of lastUserTurn ? partsOf(lastUserTurn) : []) {
    if (typeof part['text'] === 'string') texts.push(part['text']);
    const image = inlineImageOf(part);
    if (image?.data !== undefined) {
      images.push({ mimeType: image.mimeType ?? '', data: Buffer.from(image.data, 'base64') });
    }
  }
  const history = lastUserIndex < 0 ? contents : contents.slice(0, lastUserIndex);
  const rawConfig = isObject(body) ? field(body, 'generationConfig') : undefined;
  const tools = isObject(body) ? field(body, 'tools') : undefined;
  return {
    contents,
    texts,
    images,
    history,
    generationConfig: normaliseGenerationConfig(rawConfig),
    tools: Array.isArray(tools) ? tools : undefined,
  };
}

/** Any non-empty signature passes, the documented placeholder included: the emulator cannot verify them. */
function hasSignature(part: JsonObject): boolean {
  const signature = stringField(part, 'thoughtSignature');
  return signature !== undefined && signature.length > 0;
}

/** Gemini 3 rejects replayed model turns whose final images lost their signatures. Positions are 1-based. */
function missingSignature(contents: GeminiContentJson[]): ErrorAnswer | undefined {
  for (const [contentIndex, content] of contents.entries()) {
    if (content.role !== 'model') continue;
    for (const [partIndex, part] of partsOf(content).entries()) {
      if (!inlineImageOf(part) || part['thought'] === true || hasSignature(part)) continue;
      return invalidArgument(
        `Image part is missing a thought_signature in content position ${contentIndex + 1}, part position ${partIndex + 1}.`,
      );
    }
  }
  return undefined;
}

function unsupportedInput(contents: GeminiContentJson[]): ErrorAnswer | undefined {
  for (const content of contents) {
    for (const part of partsOf(content)) {
      const image = inlineImageOf(part);
      if (!image || content.role === 'model') continue;
      if (!image.mimeType || !ACCEPTED_INPUT_MIME_TYPES.includes(image.mimeType)) {
        return invalidArgument(`Unsupported MIME type: ${image.mimeType ?? ''}`);
      }
    }
  }
  return undefined;
}

function badImageConfig(model: string, config: GenerationConfigJson | undefined): ErrorAnswer | undefined {
  const aspectRatio = config?.imageConfig?.aspectRatio;
  if (aspectRatio !== undefined && !supportedAspectRatios(model).includes(aspectRatio)) {
    return invalidArgument(
      `Unsupported aspect ratio: ${aspectRatio}. Supported values are: ${supportedAspectRatios(model).join(', ')}.`,
    );
  }
  const imageSize = config?.imageConfig?.imageSize;
  const sizes = supportedImageSizes(model);
  if (imageSize !== undefined && sizes.length > 0 && !sizes.includes(imageSize)) {
    return invalidArgument(
      `Unsupported image size: ${imageSize}. Supported values are: ${sizes.join(', ')}.`,
    );
  }
  return undefined;
}

/** Every inline image in the request, replayed model turns included, counts against the model's limit. */
function tooManyImages(model: string, contents: GeminiContentJson[]): ErrorAnswer | undefined {
  const count = contents
    .flatMap(partsOf)
    .filter((part) => inlineImageOf(part) !== undefined && part['thought'] !== true).length;
  const limit = maxInputImages(model);
  if (count <= limit) return undefined;
  return invalidArgument(
    `The request contains ${count} images, but ${model} accepts at most ${limit} input images per request.`,
  );
}

function badThinkingConfig(model: string, config: GenerationConfigJson | undefined): ErrorAnswer | undefined {
  const level = config?.thinkingConfig?.thinkingLevel;
  if (level === undefined) return undefined;
  const levels = supportedThinkingLevels(model);
  if (levels.length === 0) return invalidArgument('Thinking level is not supported for this model.');
  if (!levels.includes(level)) {
    return invalidArgument(
      `Unsupported thinking level: ${level}. Supported values are: ${levels.join(', ')}.`,
    );
  }
  return undefined;
}

function badTools(model: string, tools: unknown[] | undefined): ErrorAnswer | undefined {
  for (const tool of tools ?? []) {
    if (!isObject(tool)) return invalidArgument("Invalid value at 'tools': expected an object.");
    const search = field(tool, 'googleSearch');
    if (search === undefined)
      return invalidArgument('Only the google_search tool is supported for this model.');
    const supported = supportedSearchTypes(model);
    if (supported.length === 0) return invalidArgument('Search as tool is not enabled for this model.');
    const types = isObject(search) ? field(search, 'searchTypes') : undefined;
    for (const type of isObject(types) ? Object.keys(types) : []) {
      const camel = type.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
      if (!supported.includes(camel))
        return invalidArgument(`Search type ${type} is not supported for this model.`);
    }
  }
  return undefined;
}

/** The checks the real API makes before generating anything. */
export function validateRequest(model: string, body: unknown, turns: ReadTurns): ErrorAnswer | undefined {
  if (!isObject(body)) return invalidArgument('Invalid JSON payload received. Expected an object.');
  if (turns.contents.length === 0) {
    return invalidArgument('* GenerateContentRequest.contents: contents is not specified\n');
  }
  if ((turns.generationConfig?.candidateCount ?? 1) > 1) {
    return invalidArgument('Multiple candidates is not enabled for this model.');
  }
  return (
    badImageConfig(model, turns.generationConfig) ??
    badThinkingConfig(model, turns.generationConfig) ??
    badTools(model, turns.tools) ??
    tooManyImages(model, turns.contents) ??
    unsupportedInput(turns.contents) ??
    (modelThinks(model) ? missingSignature(turns.contents) : undefined)
  );
}
