#!/usr/bin/env bash
# Starts the self-evaluation in the default browser (Linux; macOS through the .command file).
# The answers are kept in the folder Sjalvvardering in the user's documents folder.
# Close this window, or press Ctrl-C in it, to stop. Extra arguments go to granska serve.
cd "$(dirname "$0")/.." || exit 1
documents=$(xdg-user-dir DOCUMENTS 2>/dev/null || true)
if [ -z "$documents" ] || [ "$documents" = "$HOME" ]; then documents="$HOME/Documents"; fi
folder="$documents/Sjalvvardering"
mkdir -p "$folder"
if [ -x .venv/bin/granska ]; then
  granska=.venv/bin/granska
elif command -v granska >/dev/null; then
  granska=granska
else
  echo "granska är inte installerat här. Be den som installerar program åt er att följa"
  echo "installationen i README.md."
  read -r -p "Tryck Enter för att stänga fönstret. " _
  exit 1
fi
"$granska" serve --dir "$folder" "$@"
status=$?
if [ "$status" -ne 0 ] && [ -t 0 ]; then read -r -p "Tryck Enter för att stänga fönstret. " _; fi
exit "$status"
