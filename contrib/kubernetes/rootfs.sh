#!/bin/sh
# Writes the root file system of the ipctool-metrics image as a tar file: busybox (Debian's
# busybox-static) for the shell and sleep of the pod's loop, the ipctool binary, and whatever
# the two load (ldd: the release binary carries the Swift runtime but links the C library,
# whose NSS modules name users). Nothing is downloaded. Import it as an image:
#   make && contrib/kubernetes/rootfs.sh .build-install/release/ipctool ipctool-rootfs.tar
#   podman import ipctool-rootfs.tar localhost/ipctool-metrics:latest
# Usage: rootfs.sh IPCTOOL OUTPUT.tar [BUSYBOX]
set -eu
[ $# -ge 2 ] || { echo "usage: $0 IPCTOOL OUTPUT.tar [BUSYBOX]" >&2; exit 2; }
tool=$1 output=$2 busybox=${3:-/bin/busybox}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/dev/shm" "$root/proc" "$root/sys" "$root/tmp" "$root/textfile"
cp "$busybox" "$root/bin/busybox"
for applet in sh sleep; do ln -s busybox "$root/bin/$applet"; done
cp "$tool" "$root/bin/ipctool"
# The libraries and the loader at the paths ldd names (a static busybox names none).
for program in "$tool" "$busybox"; do
  ldd "$program" 2>/dev/null | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' || true
done | sort -u | while read -r library; do
  mkdir -p "$root$(dirname "$library")"
  cp -L "$library" "$root$library"
done
tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$output" .
