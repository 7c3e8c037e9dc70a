# writ -- one image with every writ binary (writ-intake, writ-extract, writ-jurisdiction,
# writ-notify, writ-send, writ-broker, writctl) and config/; the command is chosen per
# service (see docker-compose.yml).
#
#   docker build -t writ .
#   docker run --rm writ writctl --help
#
# Build stage: Debian's -dev packages; run stage: their runtime libraries
# only, a non-root user, no compiler.

FROM debian:bookworm-slim AS build
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        gcc libc6-dev make cmake pkg-config \
        libczmq-dev libzmq3-dev libmsgpack-dev libhiredis-dev \
        libgmime-3.0-dev libjansson-dev libcmocka-dev \
        libpoppler-glib-dev libtesseract-dev libleptonica-dev libzip-dev \
        libxml2-dev libarchive-dev libcurl4-openssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The whole source tree (minus .dockerignore): CMakeLists.txt configures
# the unit tests and helpers too; only the five binaries are built.
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
 && cmake --build build -j"$(nproc)" \
        --target writ-intake writ-extract writ-jurisdiction writ-notify writ-send writ-broker writctl \
 && strip build/writ-intake build/writ-extract build/writ-jurisdiction build/writ-notify \
          build/writ-send build/writ-broker build/writctl

FROM debian:bookworm-slim
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        libczmq4 libzmq5 libmsgpackc2 libhiredis0.14 libgmime-3.0-0 \
        libjansson4 libarchive13 libcurl4 libpoppler-glib8 libcairo2 libtesseract5 liblept5 \
        libzip4 libxml2 tesseract-ocr-eng tesseract-ocr-deu \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 writ \
 && useradd --system --uid 10001 --gid writ --home-dir /var/lib/writ \
        --shell /usr/sbin/nologin writ \
 && install -d -o writ -g writ -m 0750 /var/lib/writ /var/lib/writ/outbox
COPY --from=build /src/build/writ-intake /src/build/writ-extract /src/build/writ-jurisdiction \
     /src/build/writ-notify /src/build/writ-send /src/build/writ-broker /src/build/writctl \
     /usr/local/bin/
COPY docker/writ-healthcheck docker/writ-keys /usr/local/bin/
COPY config/writ.zpl config/agencies.zpl /etc/writ/
COPY config/notices /etc/writ/notices
COPY config/letters /etc/writ/letters
# Defaults for a container; every one is overridden by the environment
# (compose sets the Redis URL and the bus endpoints). No key is in the
# image: compose's `keys` step makes them into volumes (one per role).
ENV WRIT_CONFIG=/etc/writ/writ.zpl \
    WRIT_NOTIFY_TEMPLATES=/etc/writ/notices \
    WRIT_INTAKE_AGENCIES=/etc/writ/agencies.zpl \
    WRIT_NOTIFY_OUTBOX=/var/lib/writ/outbox \
    WRIT_BUS_KEYS=/var/lib/writ/keys \
    WRIT_INTAKE_LMTP_LISTEN=0.0.0.0:2424
USER writ
WORKDIR /var/lib/writ
EXPOSE 2424
CMD ["writctl", "health"]
