# Redis for writ, built from Debian's redis-server package (no image needs
# to be pulled beyond debian:bookworm-slim). Data (the AOF) lives in /data
# (0700); the ACL users come from /etc/writ/acl/users.acl, made at run time
# by the redis-secrets service (this image, docker/redis-secrets-init):
# no password is in the image or on a command line.
FROM debian:bookworm-slim
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o redis -g redis -m 0700 /data
COPY config/redis.conf config/redis-acl.roles /etc/writ/
COPY scripts/redis-acl /usr/local/bin/redis-acl
COPY docker/redis-entrypoint docker/redis-secrets-init /usr/local/bin/
USER redis
WORKDIR /data
EXPOSE 6379
ENTRYPOINT ["/usr/local/bin/redis-entrypoint"]
