# syntax=docker/dockerfile:1

# ---- build stage -----------------------------------------------------------
FROM rust:1-bookworm AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --bin portal

# ---- runtime stage ---------------------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system portal \
    && useradd --system --gid portal --home-dir /data --no-create-home --shell /usr/sbin/nologin portal \
    && mkdir -p /data \
    && chown portal:portal /data
COPY --from=builder /src/target/release/portal /usr/local/bin/portal
ENV PORTAL_BIND=0.0.0.0:8080 PORTAL_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
USER portal
ENTRYPOINT ["portal"]
CMD ["serve"]
