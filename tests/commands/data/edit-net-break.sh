#!/bin/sh
# An $EDITOR for tests: leaves malformed network XML behind.
printf '<network><name>x</name>\n' > "$1"
