import type { Phrase } from '../text/catalogue.js';
/** An image's bytes in a file (see the images module's spool), read only while they are sent. */
export interface FileBytes {
  readonly path: string;
  readonly size: number;
}

/** An input image as the model will receive it. */
export interface ImageInput {
  readonly mimeType: string;
  readonly data: Buffer | FileBytes;
}

/** The real type of some bytes, read from the bytes themselves. */
export interface SniffedType {
  readonly mime: string;
  readonly ext: string;
}

/** Reads the type of some bytes; undefined when they are no known format. Never rejects. */
export type SniffImageType = (bytes: Uint8Array) => Promise<SniffedType | undefined>;

/** An image the model made, typed by its bytes. */
export interface GeneratedImage {
  readonly mimeType: string;
  readonly data: Buffer;
  readonly extension: string;
  readonly thoughtSignature?: string;
}

/** A file ready to upload: named by its real type and fitted to the place it goes. */
export interface DeliverableImage {
  readonly filename: string;
  readonly data: Buffer;
  /** Set when the file is not the model's original (re-encoded or downscaled to fit). */
  readonly note?: Phrase;
}

/** An interim picture made small for a progress message, with words saying it is a draft; never a result. */
export interface DraftImage extends DeliverableImage {
  /** Which interim image of its attempt this is (1, then 2). */
  readonly number: number;
}

/** What a job needs of the images module: fetch and check inputs, let them go, fit outputs. */
export interface JobImages {
  /**
   * Fetches and checks an input; stops (rejecting with the signal's reason) when the job is cancelled.
   * `modelMaxSide` is the longest side the job's model makes use of (the catalogue's figure); the
   * image is scaled down to it or to MAX_INPUT_SIDE, whichever is smaller.
   */
  load(
    url: string,
    filename: string,
    declaredSize: number | undefined,
    signal?: AbortSignal,
    modelMaxSide?: number,
  ): Promise<ImageInput>;
  /** Deletes what load() kept on disk; call once Gemini has answered (or the job ended). */
  release(images: readonly ImageInput[]): Promise<void>;
  /**
   * Makes an output image fit one upload of `limit` bytes, saying so when it is not the original.
   * Rejects with DamagedImageError when the bytes do not decode.
   */
  fitForUpload(image: GeneratedImage, basename: string, limit: number): Promise<DeliverableImage>;
  /** A small copy of an interim image for a progress message (about 512 px, a few tens of KB). */
  shrinkDraft(data: Buffer, basename: string): Promise<DeliverableImage>;
}

/** An output image whose bytes do not decode (truncated, corrupt): never delivered as a picture. */
export class DamagedImageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DamagedImageError';
  }
}
