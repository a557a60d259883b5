#!/bin/sh
set -e
echo "installing"
rm -rf "$HOME/tmp" && make install
