#!/bin/sh
# Create the virtual environment with the first Python >= 3.12 that actually runs.
# A pyenv shim can exist and still fail, so each candidate is run, not just looked up.
venv="${1:-.venv}"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
  exit 0
fi
for candidate in python3.13 python3.12 python3; do
  if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
    echo "Using $candidate ($("$candidate" --version 2>&1)) for $venv"
    rm -rf "$venv"
    exec "$candidate" -m venv "$venv"
  fi
done
echo "wijkteam-sim needs Python 3.12 or newer (Mesa 3.5 requires it)." >&2
echo "None of python3.13, python3.12, python3 is 3.12+. Install Python 3.12 (python.org, your" >&2
echo "package manager, or 'pyenv install 3.12' - this repo's .python-version selects it)." >&2
exit 1
