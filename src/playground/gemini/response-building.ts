import { randomBytes } from 'node:crypto';
import type { ImageFactory } from './image-factory.js';
import {
  estimateTextTokens,
  imageInputTokens,
  imageOutputTokens,
  modelThinks,
  outputSize,
} from './model-catalogue.js';
import type {
  BlockedOutputBehaviour,
  BlockedPromptBehaviour,
  GeminiPartJson,
  ImageBehaviour,
  RecordedGeminiRequest,
  TextBehaviour,
} from './types.js';

/** Builds the HTTP 200 bodies of generateContent, shaped like the real Gemini API's. */

export interface AnswerContext {
  request: RecordedGeminiRequest;
  images: ImageFactory;
  /** A fresh number per generated image, so that every image's bytes differ. */
  nextImageSerial: () => number;
}

interface ModalityTokens {
  modality: 'TEXT' | 'IMAGE';
  tokenCount: number;
}

interface UsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount: number;
  promptTokensDetails: ModalityTokens[];
  candidatesTokensDetails?: ModalityTokens[];
}

const THOUGHT_TOKENS = 240;

function responseId(): string {
  return randomBytes(17).toString('base64url');
}

/** Looks like a real one: base64 of a protobuf message, hence the usual "CiQB" start. */
function thoughtSignature(): string {
  return Buffer.concat([Buffer.from([0x0a, 0x24, 0x01]), randomBytes(60)]).toString('base64');
}

function promptUsage(request: RecordedGeminiRequest): { textTokens: number; imageTokens: number } {
  let textTokens = 0;
  let imageCount = request.images.length;
  for (const content of request.history) {
    for (const part of content.parts ?? []) {
      if (typeof part.text === 'string') textTokens += estimateTextTokens(part.text);
      if (part.inlineData ?? part['inline_data']) imageCount++;
    }
  }
  for (const text of request.texts) textTokens += estimateTextTokens(text);
  return { textTokens: Math.max(1, textTokens), imageTokens: imageCount * imageInputTokens(request.model) };
}

function promptDetails(usage: { textTokens: number; imageTokens: number }): ModalityTokens[] {
  const details: ModalityTokens[] = [{ modality: 'TEXT', tokenCount: usage.textTokens }];
  if (usage.imageTokens > 0) details.push({ modality: 'IMAGE', tokenCount: usage.imageTokens });
  return details;
}

function usageMetadata(
  request: RecordedGeminiRequest,
  output: { textTokens: number; imageTokens: number; thoughtTokens: number },
): UsageMetadata {
  const prompt = promptUsage(request);
  const promptTokenCount = prompt.textTokens + prompt.imageTokens;
  const candidatesTokenCount = output.textTokens + output.imageTokens;
  const usage: UsageMetadata = {
    promptTokenCount,
    totalTokenCount: promptTokenCount + candidatesTokenCount + output.thoughtTokens,
    promptTokensDetails: promptDetails(prompt),
  };
  if (candidatesTokenCount > 0) {
    usage.candidatesTokenCount = candidatesTokenCount;
    usage.candidatesTokensDetails = [];
    if (output.imageTokens > 0) {
      usage.candidatesTokensDetails.push({ modality: 'IMAGE', tokenCount: output.imageTokens });
    }
    if (output.textTokens > 0) {
      usage.candidatesTokensDetails.push({ modality: 'TEXT', tokenCount: output.textTokens });
    }
  }
  if (output.thoughtTokens > 0) usage.thoughtsTokenCount = output.thoughtTokens;
  return usage;
}

function envelope(request: RecordedGeminiRequest, fields: Record<string, unknown>) {
  return { ...fields, modelVersion: request.model, responseId: responseId() };
}

function thoughtText(request: RecordedGeminiRequest): string {
  const prompt = request.texts.join(' ').slice(0, 80);
  return `**Composing the image**\n\nI'm working out the composition and colours for: "${prompt}".`;
}

/** Gemini 3 signs the first non-thought part and every non-thought image. */
function signFinalParts(parts: GeminiPartJson[]): void {
  parts.forEach((part, index) => {
    if (index === 0 || part.inlineData) part.thoughtSignature = thoughtSignature();
  });
}

function wantsText(request: RecordedGeminiRequest): boolean {
  const modalities = request.generationConfig?.responseModalities;
  return !modalities || modalities.some((modality) => modality.toUpperCase() === 'TEXT');
}

const MIME_TYPES = { png: 'image/png', jpeg: 'image/jpeg' } as const;

/** What Google Search grounding adds to a candidate when the request asked for it. */
function groundingFor(request: RecordedGeminiRequest): Record<string, unknown> {
  const searched = (request.tools ?? []).some(
    (tool) =>
      typeof tool === 'object' && tool !== null && ('googleSearch' in tool || 'google_search' in tool),
  );
  if (!searched) return {};
  const query = request.texts.join(' ').slice(0, 80);
  return {
    groundingMetadata: {
      webSearchQueries: [query],
      groundingChunks: [{ web: { uri: 'https://example.com/grounding-source', title: 'example.com' } }],
      searchEntryPoint: { renderedContent: `<div class="chip">${query}</div>` },
    },
  };
}

export async function imageAnswer(behaviour: ImageBehaviour, context: AnswerContext) {
  const { request } = context;
  const imageConfig = request.generationConfig?.imageConfig;
  const defaultSize = outputSize(request.model, imageConfig?.aspectRatio, imageConfig?.imageSize);
  const width = behaviour.width ?? defaultSize.width;
  const height = behaviour.height ?? defaultSize.height;
  const format = behaviour.format ?? 'png';
  const count = behaviour.count ?? 1;
  const thinks = modelThinks(request.model);
  const withThoughts = behaviour.thoughts ?? thinks;
  const text =
    behaviour.text !== undefined ? behaviour.text : wantsText(request) ? 'Here is your image.' : null;

  const finalSpec = { width, height, format, minBytes: behaviour.bytes };
  const thoughtCount = withThoughts ? Math.max(0, Math.min(2, behaviour.thoughtImages ?? 1)) : 0;
  const thoughtImages = await Promise.all(
    Array.from({ length: thoughtCount }, () =>
      context.images.imageFor({ width, height, format }, context.nextImageSerial()),
    ),
  );
  const finalImages = await Promise.all(
    Array.from({ length: count }, () => context.images.imageFor(finalSpec, context.nextImageSerial())),
  );

  const parts: GeminiPartJson[] = [];
  if (withThoughts) {
    parts.push({ text: thoughtText(request), thought: true });
    for (const thoughtImage of thoughtImages) {
      const inlineData = { mimeType: MIME_TYPES[format], data: thoughtImage.data.toString('base64') };
      parts.push({ inlineData, thought: true });
    }
  }
  const finalParts: GeminiPartJson[] = [];
  if (text !== null) finalParts.push({ text });
  for (const image of finalImages) {
    if (!image) continue;
    const mimeType = behaviour.declaredMimeType ?? MIME_TYPES[image.format];
    finalParts.push({ inlineData: { mimeType, data: image.data.toString('base64') } });
  }
  if (thinks) signFinalParts(finalParts);
  parts.push(...finalParts);

  const imageSize = imageConfig?.imageSize;
  return envelope(request, {
    candidates: [
      {
        content: { role: 'model', parts },
        finishReason: behaviour.finishReason ?? 'STOP',
        index: 0,
        ...groundingFor(request),
      },
    ],
    usageMetadata: usageMetadata(request, {
      textTokens: text === null ? 0 : estimateTextTokens(text),
      imageTokens: count * imageOutputTokens(request.model, imageSize),
      thoughtTokens: withThoughts ? THOUGHT_TOKENS : 0,
    }),
  });
}

export function textAnswer(behaviour: TextBehaviour, request: RecordedGeminiRequest) {
  const thinks = modelThinks(request.model);
  const parts: GeminiPartJson[] = [];
  if (thinks) parts.push({ text: thoughtText(request), thought: true });
  const answer: GeminiPartJson = { text: behaviour.text };
  if (thinks) answer.thoughtSignature = thoughtSignature();
  parts.push(answer);
  return envelope(request, {
    candidates: [
      { content: { role: 'model', parts }, finishReason: 'STOP', index: 0, ...groundingFor(request) },
    ],
    usageMetadata: usageMetadata(request, {
      textTokens: estimateTextTokens(behaviour.text),
      imageTokens: 0,
      thoughtTokens: thinks ? THOUGHT_TOKENS : 0,
    }),
  });
}

export function blockedOutputAnswer(behaviour: BlockedOutputBehaviour, request: RecordedGeminiRequest) {
  const candidate: Record<string, unknown> = { finishReason: behaviour.finishReason, index: 0 };
  if (behaviour.finishMessage !== undefined) candidate['finishMessage'] = behaviour.finishMessage;
  return envelope(request, {
    candidates: [candidate],
    usageMetadata: usageMetadata(request, { textTokens: 0, imageTokens: 0, thoughtTokens: 0 }),
  });
}

export function blockedPromptAnswer(behaviour: BlockedPromptBehaviour, request: RecordedGeminiRequest) {
  const promptFeedback: Record<string, unknown> = { blockReason: behaviour.blockReason };
  if (behaviour.blockReasonMessage !== undefined) {
    promptFeedback['blockReasonMessage'] = behaviour.blockReasonMessage;
  }
  if (behaviour.blockReason === 'SAFETY') {
    promptFeedback['safetyRatings'] = [
      { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'HIGH', blocked: true },
      { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
      { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
      { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'NEGLIGIBLE' },
    ];
  }
  return envelope(request, {
    promptFeedback,
    usageMetadata: usageMetadata(request, { textTokens: 0, imageTokens: 0, thoughtTokens: 0 }),
  });
}

export function noCandidatesAnswer(request: RecordedGeminiRequest) {
  return envelope(request, {
    usageMetadata: usageMetadata(request, { textTokens: 0, imageTokens: 0, thoughtTokens: 0 }),
  });
}
