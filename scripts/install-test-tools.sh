#!/usr/bin/env bash
# The tools the tests need that a fresh Debian machine of the kind CI uses does not have: rsync (gitlab-ci-local
# copies the project with it to run the GitLab component's job) and chromium (the HTML report is checked in a
# real browser). git and openssl (the simulator's test CA) come with the machine. Run by `npm test` (pretest)
# and by .ci/run. Idempotent: with both present it does nothing and prints nothing.
# As root, the missing ones are installed with apt-get, saying so in one line on stderr. Otherwise it fails in
# one line naming what to install: installing packages is not something a test run does behind your back.
set -euo pipefail

missing=()
command -v rsync >/dev/null 2>&1 || missing+=(rsync)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "install-test-tools: the tests need ${missing[*]}, not installed here; install it as root first (Debian/Ubuntu: sudo apt-get install -y ${missing[*]})." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-tools: the tests need ${missing[*]}, not installed here, and there is no apt-get; install it with this system's package manager." >&2
  exit 1
fi

echo "install-test-tools: installing ${missing[*]} with apt-get (needed by the tests)." >&2
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  echo "install-test-tools: apt-get could not install ${missing[*]}: $(grep -E '^E:' "$log" | tail -n 1 || true) Install it by hand and run the tests again." >&2
  exit 1
fi
