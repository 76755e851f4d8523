#!/usr/bin/env bash
# Best effort: install the system programs the test suite drives for real
# (PostgreSQL server binaries, tmux, poppler-utils) when they are missing and
# this machine can install them (root with apt-get). Otherwise say what is
# missing and carry on: the suite then reports it clearly.
set -u
need=()
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${need[*]} (apt-get) ..." >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null \
    || echo "warning: could not install ${need[*]}" >&2
else
  echo "warning: missing ${need[*]}: install them (the PostgreSQL and tmux tests need them)" >&2
fi
exit 0
