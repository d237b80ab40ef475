export { downloadAttachment, isAllowedUrl, type DownloadPolicy } from './download.js';
export { fitToUploadLimit, type FitInput } from './fit.js';
export { createImageLoader, createLoader, type ImageLoader } from './load.js';
export { MAX_INPUT_PIXELS, normalizeImage, type NormalizeOptions } from './normalize.js';
export { looksLikeText, sniffType, type SniffedType } from './sniff.js';
export { discardImages, Spool, SpooledFile, type ImageBytes } from './spool.js';
