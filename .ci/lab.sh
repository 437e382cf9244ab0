#!/usr/bin/env bash
# Installs the Debian packages `provision lab` needs on the control machine. Idempotent: installs only what is
# missing, and runs `apt-get update` only when something is. Called by .ci/run on a brand-new machine.
set -euo pipefail

# debootstrap: builds the base root filesystem; iproute2: bridge, netns, veth; dpkg-dev: dpkg-scanpackages for the
# local repository; systemd-container: systemd-nspawn; openssh-client: ssh, ssh-keygen, ssh-keyscan;
# util-linux: unshare, nsenter; zstd: compresses the cached base (gzip is the fallback); procps: pkill-free process
# checks (ps); ca-certificates: debootstrap over https mirrors.
needed=(debootstrap iproute2 dpkg-dev systemd-container openssh-client util-linux zstd procps ca-certificates)

missing=()
for p in "${needed[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "lab.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "lab.sh: lab packages already installed"
fi

# Many containers each take inotify instances (128 ran out at ~20 systemd hosts).
if [ "$(sysctl -n fs.inotify.max_user_instances)" -lt 1024 ]; then
  sysctl -q -w fs.inotify.max_user_instances=1024
fi
