#!/bin/sh
# fetch-dep.sh NAME VERSION INTEGRITY DESTDIR
#
# Fetches an npm package tarball with `npm pack` (no install scripts run),
# checks it against the registry's published sha512 integrity before anything
# is unpacked, and unpacks it into DESTDIR. A tarball that does not match is
# deleted and the build stops. NAME may be scoped (@scope/name): npm pack
# names its tarball scope-name-VERSION.tgz.
set -eu
name=$1 version=$2 integrity=$3 dest=$4
work=$(dirname "$dest")
mkdir -p "$work"
file=$(printf '%s' "$name" | sed 's|^@||; s|/|-|')
tgz="$work/$file-$version.tgz"
if [ ! -f "$tgz" ]; then
    command -v npm >/dev/null 2>&1 || { apt-get update && apt-get install -y npm; }
    (cd "$work" && npm pack --silent --ignore-scripts "$name@$version" >/dev/null)
    [ -f "$tgz" ] || { echo "fetch-dep: npm pack $name@$version did not write $tgz" >&2; exit 1; }
fi
got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
if [ "$got" != "$integrity" ]; then
    echo "fetch-dep: $tgz: integrity mismatch" >&2
    echo "  expected $integrity" >&2
    echo "  got      $got" >&2
    rm -f "$tgz"
    exit 1
fi
rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
tar -xzf "$tgz" -C "$dest.tmp" --strip-components=1
rm -rf "$dest" && mv "$dest.tmp" "$dest"
