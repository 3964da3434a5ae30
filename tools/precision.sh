#!/bin/sh
# tools/precision.sh PYHUNT [WORKDIR]
#
# Rebuilds the three real-code corpora of docs/precision.md and audits them
# with every rule, printing the findings of each rule per corpus (the
# "std/dist/debs" columns). Findings are kept as WORKDIR/{std,dist,debs}.json
# for reading; docs/precision.md says how they were sampled.
#
#   std   this machine's CPython standard library, site-packages excluded
#   dist  /usr/lib/python3/dist-packages with Debian's async-heavy packages
#         installed (apt-get install, needs root)
#   debs  37 more async libraries, downloaded and unpacked with dpkg -x
#         (not installed: their dependencies do not matter to a static audit)
set -eu
PYHUNT=$(realpath "$1")
WORK=${2:-/tmp/pyhunt-precision}
mkdir -p "$WORK"

DIST_PKGS="python3-aiohttp python3-httpx python3-sqlalchemy python3-django python3-tornado
  python3-twisted python3-starlette python3-fastapi python3-asyncpg python3-aiofiles python3-requests"
DEBS_PKGS="python3-aio-pika python3-aioamqp python3-aioapns python3-aiodogstatsd python3-aioftp
  python3-aiohttp-session python3-aioice python3-aioinflux python3-aiomysql python3-aiopg python3-aioredis
  python3-aiormq python3-aiorpcx python3-aiortc python3-aiosmtpd python3-aiosmtplib python3-aiosqlite
  python3-aiostream python3-aioxmpp python3-aiozipkin python3-asyncssh python3-bleak python3-channels-redis
  python3-daphne python3-discord python3-hypercorn python3-janus python3-matrix-nio python3-motor
  python3-pytest-asyncio python3-quart python3-redis python3-slixmpp python3-trio python3-trio-websocket
  python3-websockets python3-zeroconf"

# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -q $DIST_PKGS >/dev/null
if [ ! -d "$WORK/debs/usr" ]; then
    mkdir -p "$WORK/debs-dl"
    # shellcheck disable=SC2086
    (cd "$WORK/debs-dl" && apt-get download $DEBS_PKGS >/dev/null)
    for d in "$WORK"/debs-dl/*.deb; do dpkg -x "$d" "$WORK/debs"; done
fi

STD=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
"$PYHUNT" audit "$STD" --exclude site-packages --db "$WORK/std.db" --format json --exit-zero >"$WORK/std.json"
"$PYHUNT" audit /usr/lib/python3/dist-packages --db "$WORK/dist.db" --format json --exit-zero >"$WORK/dist.json"
"$PYHUNT" audit "$WORK/debs" --db "$WORK/debs.db" --format json --exit-zero >"$WORK/debs.json"

# One row per rule: id, then the findings in std, dist and debs.
echo "| rule | std | dist | debs |"
echo "|---|---:|---:|---:|"
"$PYHUNT" rules --format json | grep -o '"id": *"[A-Z0-9]*"' | grep -o 'PH[0-9]*' | while read -r id; do
    n() { grep -c "\"rule\": *\"$id\"" "$WORK/$1.json" || true; }
    echo "| $id | $(n std) | $(n dist) | $(n debs) |"
done
