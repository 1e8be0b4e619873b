# svcplane's image: `docker build -t svcplane:0.1.0 .` (not built on the development machines,
# which have no container engine; see docs/operations.md).
#
# Stage 1 installs the production dependencies only. tsx is one of them: svcplane runs its
# TypeScript sources directly (cmd/svcplane.mjs registers tsx), so there is no compile step.
# Stage 2 is distroless Node.js 24, which runs as the non-root user 65532 and has no shell or
# package manager. Both stages are Node.js 24 (an LTS line; Node.js 20 reached end of life on
# 2026-04-30), so the dependencies are installed for the Node.js that runs them. package.json's
# engines floor (>=20.19) is what a checkout runs on, not what the image ships.
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM gcr.io/distroless/nodejs24-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
# Root-owned, like every other file COPY writes: the runtime user only reads the code, and may
# not change it. tsx writes its compile cache under /tmp (an emptyDir in the Deployment).
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY api-types ./api-types
COPY allocators ./allocators
COPY apiserver ./apiserver
COPY controllers ./controllers
COPY status ./status
COPY cmd ./cmd
USER 65532:65532
EXPOSE 10257 10258
# Arguments (the Deployment's `args`) follow the script: `node cmd/svcplane.mjs run --leader-elect …`.
ENTRYPOINT ["/nodejs/bin/node", "cmd/svcplane.mjs"]
CMD ["run"]
