#!/bin/bash
# Container health check: exits 0 when GET http://127.0.0.1:<port><path> returns HTTP 200.
# Uses bash's /dev/tcp, so the image needs neither curl nor wget.
#   healthcheck.sh 9400 /health/ready
set -eu

if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]; then
    echo "usage: healthcheck.sh PORT [PATH]   (PATH defaults to /health/ready)" >&2
    exit 2
fi
port="$1"
path="${2:-/health/ready}"

if ! exec 3<>"/dev/tcp/127.0.0.1/$port"; then
    echo "not ready: nothing accepts connections on 127.0.0.1:$port" >&2
    exit 1
fi
printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$path" "$port" >&3

status_line=""
IFS= read -r -t 5 status_line <&3 || true
case "$status_line" in
    "HTTP/1."[01]" 200"*) exit 0 ;;
    *) echo "not ready: GET $path on port $port returned '${status_line%$'\r'}'" >&2; exit 1 ;;
esac
