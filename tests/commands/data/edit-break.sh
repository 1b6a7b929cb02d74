#!/bin/sh
# An $EDITOR for tests: leaves malformed XML behind.
printf '<domain><name>x</name>\n' > "$1"
