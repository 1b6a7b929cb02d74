#!/bin/sh
# Runs a command transcript whose every case gets a network namespace of its
# own (unshare --net), or skips (77) saying why that cannot be done here.
# usage: run.sh CMDRUNNER LUVIRT SRCDIR FILE.t [--regenerate]
cmdrunner=$1 luvirt=$2 srcdir=$3 file=$4 regen=$5
if [ "$(id -u)" != 0 ]; then
    echo "SKIP: a network namespace with bridges and dnsmasq needs root"
    exit 77
fi
if ! unshare --net true 2>/dev/null; then
    echo "SKIP: cannot unshare a network namespace here"
    exit 77
fi
for tool in ip nft dnsmasq; do
    if ! PATH="$PATH:/usr/sbin:/sbin" command -v "$tool" >/dev/null; then
        echo "SKIP: $tool is not installed (.ci/setup installs it)"
        exit 77
    fi
done
exec "$cmdrunner" $regen --srcdir "$srcdir" --exec "$(command -v unshare)" --exec --net \
    --exec "$luvirt" "$file"
