import type { Config } from '../config.js';
import type { LoadImage } from '../jobs/pipeline.js';
import { downloadAttachment } from './download.js';
import { normalizeImage } from './normalize.js';

export function createImageLoader(config: Config): LoadImage {
  const policy = {
    allowedHosts: config.attachmentHosts,
    maxBytes: config.maxInputBytes,
    idleTimeoutMs: 15_000,
    totalTimeoutMs: 60_000,
  };
  return async (url, filename, declaredSize) => {
    const data = await downloadAttachment(url, filename, policy, declaredSize);
    return normalizeImage(data, filename, { maxSide: config.maxInputSide });
  };
}
