#!/usr/bin/env bash
# The whole tour in one command: install what is missing, start the local sandbox cloud, bring up
# examples/hello with slipway, and print where its page is served over HTTPS.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"
slipway() { node "$PWD/bin/slipway.js" "$@"; }

if [ -z "${SLIPWAY_SSH_KEY:-}" ] && [ ! -f "$HOME/.ssh/id_ed25519" ]; then
  mkdir -p "$HOME/.ssh" && chmod 700 "$HOME/.ssh"
  ssh-keygen -q -t ed25519 -N "" -f "$HOME/.ssh/id_ed25519"
  echo "Created an SSH key for slipway at ~/.ssh/id_ed25519" >&2
fi

slipway sandbox up
eval "$(slipway sandbox env)"
slipway up --yes --config examples/hello/slipway.config.ts

address=$(slipway status --json --config examples/hello/slipway.config.ts |
  node -e 'const s = JSON.parse(require("fs").readFileSync(0, "utf8")); process.stdout.write(s.services[0].address)')
cat <<DONE

examples/hello is served at https://hello.slipway.test/ on $address. Try it:

  eval "\$(npm run --silent slipway -- sandbox env)"
  curl --cacert "\$SLIPWAY_SANDBOX_CA" --resolve hello.slipway.test:443:$address https://hello.slipway.test/

DONE
