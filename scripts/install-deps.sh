#!/usr/bin/env bash
# Installs, from Debian's packages, whatever of the build and test
# dependencies is missing. Run as root (or with sudo available).
set -euo pipefail

packages=(g++ make cmake pkg-config ca-certificates
          libcurl4-openssl-dev libsimdjson-dev libfmt-dev
          catch2 libcpp-httplib-dev jq doxygen libssl-dev openssl)
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
