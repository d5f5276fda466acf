# Sourced by ./cardcase and .ci/run: exports JAVA_HOME pointing at a JDK 21 or newer.
# The Zeebe engine is built for Java 21; the default java on these machines may be 17.
java_major() { "$1/bin/java" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print v[1]; exit}'; }
pick_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  local javac_path
  javac_path=$(command -v javac 2>/dev/null) && candidates+=("$(dirname "$(dirname "$(readlink -f "$javac_path")")")")
  for d in /usr/lib/jvm/*; do candidates+=("$d"); done
  local best="" best_major=0 d m
  for d in "${candidates[@]}"; do
    [ -x "$d/bin/javac" ] || continue
    m=$(java_major "$d")
    if [ -n "$m" ] && [ "$m" -ge 21 ] && [ "$m" -gt "$best_major" ]; then best="$d"; best_major=$m; fi
  done
  if [ -z "$best" ]; then
    echo "CardCase needs a JDK 21 or newer (found none in JAVA_HOME, PATH or /usr/lib/jvm)." >&2
    return 1
  fi
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
}
pick_jdk
