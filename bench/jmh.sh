#!/usr/bin/env bash
# JMH benchmarks of the engine (src/test/java/io/fanout/bench), run from the test classpath.
#
#   bench/jmh.sh                                  # EngineBenchmark, µs/op and B/op (-prof gc)
#   bench/jmh.sh EngineBenchmark -p transport=resilient -prof gc
#   bench/jmh.sh JsonValidationBenchmark
#   SKIP_BUILD=1 bench/jmh.sh ...                 # reuse target/classes and target/test-classes as they are
#
# Arguments go to org.openjdk.jmh.Main unchanged (default: "EngineBenchmark -prof gc"). The iteration counts are
# in the annotations (3 x 2 s warm-up, 5 x 2 s measurement, 1 fork); -wi/-i/-f/-w/-r override them.
# JAVA (default: JDK 25 if installed, else java on PATH) runs JMH and its forks; -jvm picks another.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
JAVA=${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
JAVA=${JAVA:-java}
CP_FILE=target/jmh-classpath.txt

if [ -z "${SKIP_BUILD:-}" ]; then
  # compiles main and test classes (the JMH annotation processor writes META-INF/BenchmarkList) without tests
  ./mvnw -q -B -ntp test-compile
fi
if [ ! -s "$CP_FILE" ] || [ pom.xml -nt "$CP_FILE" ]; then
  ./mvnw -q -B -ntp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE"
fi
[ -f target/test-classes/META-INF/BenchmarkList ] || { echo "no JMH BenchmarkList: did test-compile run?" >&2; exit 1; }

[ $# -gt 0 ] || set -- EngineBenchmark -prof gc
exec "$JAVA" -cp "target/test-classes:target/classes:$(cat "$CP_FILE")" org.openjdk.jmh.Main -jvm "$JAVA" "$@"
