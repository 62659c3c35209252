#!/usr/bin/env bash
# Fetch the Kafka broker runtime classpath (kafka_2.13 + kafka-tools + log4j2 binding) from
# Maven Central into infra/kafka/.libs/. Idempotent: does nothing if the jars are already there.
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LIBS="$DIR/.libs"

have_jars() {
  compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null \
    && compgen -G "$LIBS/kafka-tools-[0-9]*.jar" >/dev/null \
    && compgen -G "$LIBS/log4j-slf4j-impl-*.jar" >/dev/null
}

if have_jars; then
  echo "kafka jars already present in $LIBS"
else
  command -v mvn >/dev/null || { echo "fetch.sh: mvn not found (apt-get install -y maven)" >&2; exit 1; }
  echo "fetching kafka jars with Maven into $LIBS ..."
  mvn -B -q -f "$DIR/pom.xml" dependency:copy-dependencies
  have_jars || { echo "fetch.sh: mvn finished but the kafka jars are missing in $LIBS" >&2; exit 1; }
fi
echo "kafka jars: $LIBS ($(ls "$LIBS"/*.jar | wc -l) jars; $(basename "$(ls "$LIBS"/kafka_2.13-*.jar | head -1)"))"
