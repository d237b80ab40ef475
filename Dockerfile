FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
# glibc malloc keeps a swelling arena per busy thread (libvips uses several); two is sharp's advice.
# A fixed mmap threshold hands every block of 1 MiB or more back to the kernel when it is freed
# (glibc otherwise raises the threshold as big images come and go, and keeps them in its heap).
# METRICS_PORT serves /metrics and /healthz; the HEALTHCHECK below needs it.
ENV NODE_ENV=production DATA_DIR=/data MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=1048576 METRICS_PORT=9464
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The translations are read at start-up from the source tree's place (src/text/locales); add a language there.
COPY --from=build /app/src/text/locales ./src/text/locales
COPY package.json ./
# Not root: the bot needs nothing but its volume. The folder is made before VOLUME so a new named
# volume starts owned by this user.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 9464
# 200 while the gateway is connected and the store answers; node's fetch, as the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.METRICS_PORT || 9464) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node directly, not npm: npm does not pass SIGTERM on, and the bot drains its queue on SIGTERM.
CMD ["node", "dist/src/index.js"]
