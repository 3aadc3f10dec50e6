#!/usr/bin/env bash
# macOS: double-click in Finder to start the self-evaluation (Terminal opens; close it to stop).
exec "$(dirname "$0")/granska-start.sh" "$@"
