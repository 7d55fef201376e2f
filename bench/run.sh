#!/usr/bin/env bash
# The benchmark of issue #6 ("Thousands at once"), start to finish, in one command:
#   bench/run.sh                      # 1, 200 and 10,000 servers at RTT 50 ms, nmap on the 200
#   bench/run.sh --sizes 1,200 --nmap false --rtt-ms 20 --batch-concurrency 1000 --heap 512m
# Installs nmap if it is missing (Debian's package), builds the service if its sources are newer than the
# package, builds this module (its tests included), then runs io.relaycheck.bench.Driver, which starts the
# fleet and the service, runs the batches and nmap, prints a table and stops everything it started.
# Results (table, raw JSON, GC log, service log, nmap output): bench/target/results/.
# Every step is bounded: the driver stops itself after --deadline-minutes (40), and this script kills it
# 5 minutes after that.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cd "$repo"

if ! command -v nmap >/dev/null 2>&1; then
  echo "bench: installing nmap (Debian package)"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nmap >/dev/null
fi
nmap --version | head -1

jar=target/quarkus-app/quarkus-run.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src/main -path src/main/openapi -prune -o -newer "$jar" -type f -print -quit)" ]; then
  echo "bench: building the service (./mvnw -B package -DskipTests)"
  ./mvnw -B -q package -DskipTests
fi

echo "bench: building the bench module"
./mvnw -B -q -f bench/pom.xml package

echo "bench: open-file cap of this shell: $(ulimit -n); the fleet is split into processes of 2,500 servers"
deadline=40
for a in "$@"; do case "$a" in --deadline-minutes=*) deadline="${a#*=}";; esac; done
prev=""
for a in "$@"; do if [ "$prev" = "--deadline-minutes" ]; then deadline="$a"; fi; prev="$a"; done
exec timeout --kill-after=30s "$(( (deadline + 5) * 60 ))s" \
  java -Xmx512m -cp "bench/target/classes:bench/target/lib/*" io.relaycheck.bench.Driver --repo "$repo" "$@"
