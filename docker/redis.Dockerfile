# Redis for writ, built from Debian's redis-server package (no image needs
# to be pulled beyond debian:bookworm-slim). Data (the AOF) lives in /data;
# the password comes from REDIS_PASSWORD (docker-compose.yml takes it from
# .env), never from the command line.
FROM debian:bookworm-slim
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o redis -g redis -m 0750 /data
COPY config/redis.conf /etc/writ/redis.conf
COPY docker/redis-entrypoint /usr/local/bin/redis-entrypoint
USER redis
WORKDIR /data
EXPOSE 6379
ENTRYPOINT ["/usr/local/bin/redis-entrypoint"]
