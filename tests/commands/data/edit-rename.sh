#!/bin/sh
# An $EDITOR for tests: renames the domain to web5 in the XML.
sed -i "s|<name>[^<]*</name>|<name>web5</name>|" "$1"
