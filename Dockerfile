# syntax=docker/dockerfile:1
# Needs BuildKit (the default builder of Docker 23 and later) for the cache mounts below.

# ---- build stage -----------------------------------------------------------
FROM rust:1-bookworm AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# --locked: build exactly the committed Cargo.lock (fail rather than resolve anew).
# The registry and target/ live in BuildKit cache mounts, so a rebuild after a source change
# downloads nothing and recompiles only the workspace's own crates. A cache mount is not part of
# the image, so the binary is copied out of target/ within the same RUN.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin portal \
    && cp target/release/portal /usr/local/bin/portal-build

# ---- runtime stage ---------------------------------------------------------
FROM debian:bookworm-slim
# curl: for the health check below (and compose's) to probe /readyz.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system portal \
    && useradd --system --gid portal --home-dir /data --no-create-home --shell /usr/sbin/nologin portal \
    && mkdir -p /data \
    && chown portal:portal /data
COPY --from=builder /usr/local/bin/portal-build /usr/local/bin/portal
ENV PORTAL_BIND=0.0.0.0:8080 PORTAL_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
USER portal
# Ready = the server answers and reaches its database (GET /readyz, 503 otherwise). The probe
# assumes the port of PORTAL_BIND above; change both together.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["curl", "-fsS", "http://127.0.0.1:8080/readyz"]
ENTRYPOINT ["portal"]
CMD ["serve"]
