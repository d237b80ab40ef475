const DISCORD_EPOCH_MS = 1_420_070_400_000n;

/**
 * Timestamp-based ids like Discord's: @discordjs/rest and discord.js read the creation time out of them,
 * and they must keep increasing so sorting by id sorts by time.
 */
export function createSnowflakeGenerator(workerId = 1n): () => string {
  let last = 0n;
  return () => {
    const timestampPart = (BigInt(Date.now()) - DISCORD_EPOCH_MS) << 22n;
    const candidate = timestampPart | (workerId << 17n);
    last = candidate > last ? candidate : last + 1n;
    return last.toString();
  };
}

/** An id from a request body as text: ids arrive as strings or numbers; anything else is no id. */
export function idText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint'
    ? String(value)
    : '';
}
