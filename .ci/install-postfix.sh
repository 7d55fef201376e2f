#!/bin/sh
# Installs Postfix non-interactively on Debian/Ubuntu for the Postfix integration tests
# (src/test/java/io/relaycheck/it/PostfixServer.java), and makes sure the *system* Postfix instance
# is not left running: the tests start their own private instances on 127.0.0.1.
# Run as root. Idempotent: safe to run again on a machine that already has Postfix.
set -eu

if [ "$(id -u)" -ne 0 ]; then
    echo "install-postfix.sh: must run as root" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=""
installed postfix || missing="$missing postfix"
# openssl is used by PostfixServer.withStartTls() to make a self-signed certificate.
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"

if [ -n "$missing" ]; then
    # Answer the configuration questions up front so the install never prompts.
    echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
    echo "postfix postfix/mailname string relay.test" | debconf-set-selections

    # Refresh the package lists only when they are missing or do not know the packages.
    need_update=0
    if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
        need_update=1
    else
        for p in $missing; do
            candidate=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
            if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
                need_update=1
            fi
        done
    fi
    if [ "$need_update" -eq 1 ]; then
        apt-get update
    fi

    # shellcheck disable=SC2086 # word splitting of the package list is intended
    apt-get install -y --no-install-recommends $missing
else
    echo "install-postfix.sh: postfix and openssl already installed"
fi

# The package may have started the system instance; the tests do not want it (and it would hold
# port 25 on loopback). Stop it, whatever the init system.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl stop postfix.service >/dev/null 2>&1 || true
    systemctl disable postfix.service >/dev/null 2>&1 || true
fi
postfix stop >/dev/null 2>&1 || true
if postfix status >/dev/null 2>&1; then
    echo "install-postfix.sh: system postfix is still running" >&2
    exit 1
fi

test -x /usr/sbin/postfix && test -x /usr/sbin/postconf
echo "install-postfix.sh: $(postconf -h mail_version | sed 's/^/postfix /') installed; system instance stopped"
