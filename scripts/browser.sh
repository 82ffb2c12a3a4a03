#!/usr/bin/env bash
# Make sure headless Chromium and its WebDriver (Debian's `chromium` and `chromium-driver`) are
# installed, for the console's browser tests. Installs them with apt-get when missing (as root,
# or through password-less sudo). Idempotent; prints the chromedriver path on success.
set -euo pipefail

installed() { command -v chromedriver >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1; }

if ! installed; then
    # Serialise concurrent callers (parallel test binaries may all call us).
    exec 9>"${TMPDIR:-/tmp}/slamail-browser.lock"
    flock 9
    if ! installed; then
        sudo=()
        if [[ "$(id -u)" -ne 0 ]]; then
            if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
                sudo=(sudo -n)
            else
                echo "browser.sh: chromium and chromium-driver are missing; install them as root:" >&2
                echo "    apt-get update && apt-get install -y chromium chromium-driver" >&2
                exit 1
            fi
        fi
        echo "browser.sh: installing chromium and chromium-driver with apt-get (a minute or two)" >&2
        "${sudo[@]}" apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
            chromium chromium-driver fonts-dejavu-core >&2
    fi
fi
command -v chromedriver
