#!/usr/bin/env bash
# Runs a command in a network namespace of its own whose only interface is loopback, 127.0.0.1
# (IPv6 off, so no ::1 candidate): nothing it starts can reach another host. Needs root.
#   unshare -n bash test/simulation/loopback-namespace.sh <command...>
set -euo pipefail
if [ "$(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')" != "lo " ]; then
  echo "loopback-namespace.sh: run it inside 'unshare -n' (as root): this namespace has other interfaces" >&2
  exit 1
fi
ip link set lo up
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.lo.disable_ipv6=1 >/dev/null 2>&1 || true
exec "$@"
