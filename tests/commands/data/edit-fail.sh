#!/bin/sh
# An $EDITOR for tests: fails without touching the file.
exit 3
