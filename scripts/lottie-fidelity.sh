#!/usr/bin/env bash
# Lottie fidelity against lottie-web (BENCHMARKS.md "Lottie fidelity against lottie-web", docs/video.md).
# Renders FRAMES evenly spaced frames of every corpus file with Kiln (Skottie, through the render engine) and with
# lottie-web's SVG renderer in headless Chromium, both at the file's aspect with the longer side SIZE px, over
# white, at the same frame numbers (k * (op - ip) / FRAMES, relative to ip), and counts the frames whose share
# of differing pixels is <= 3 %. A pixel differs when one RGB channel differs by more than 32 of 255
# (LottieFrames.CHANNEL_TOLERANCE: lottie-web and Skottie antialias edges differently).
# Usage: scripts/lottie-fidelity.sh [--frames N] [--size PX] [--corpus DIR] [--write-references]
#   --write-references: also copy lottie-web's frames to kiln-render/src/test/resources/lottie/reference/,
#                       which LottieCompatTest renders against (run it with --frames 4).
# Needs: chromium (Debian: apt-get install -y chromium), npm (lottie-web is installed under bench-results/).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FRAMES=12
SIZE=200
CORPUS="$ROOT/kiln-render/src/test/resources/lottie/corpus"
WRITE_REFS=
LOTTIE_WEB_VERSION=5.12.2
while [ $# -gt 0 ]; do
  case "$1" in
    --frames) FRAMES="$2"; shift 2 ;;
    --size) SIZE="$2"; shift 2 ;;
    --corpus) CORPUS="$2"; shift 2 ;;
    --write-references) WRITE_REFS=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
[ -n "$CHROMIUM" ] || { echo "no chromium on PATH (apt-get install -y chromium)" >&2; exit 1; }
OUT="$ROOT/bench-results/lottie-fidelity-$(date -u +%Y%m%dT%H%M%SZ)"
WEB="$ROOT/bench-results/lottie-web-$LOTTIE_WEB_VERSION"
if [ ! -f "$WEB/node_modules/lottie-web/build/player/lottie.min.js" ]; then
  mkdir -p "$WEB" && npm install --silent --prefix "$WEB" "lottie-web@$LOTTIE_WEB_VERSION" >&2
fi
JAR="${KILN_BENCH_JAR:-$ROOT/kiln-bench/target/benchmarks.jar}"   # KILN_BENCH_JAR: measure another build
if [ -z "${KILN_BENCH_JAR:-}" ] && { [ ! -f "$JAR" ] || [ -n "$(find "$ROOT/kiln-render/src/main" "$ROOT/kiln-bench/src/main" -newer "$JAR" -print -quit)" ]; }; then
  (cd "$ROOT" && JAVA_HOME="$JAVA_HOME" ./mvnw -B -ntp -q -pl kiln-bench -am package -DskipTests >&2)
fi
mkdir -p "$OUT"
cp "$WEB/node_modules/lottie-web/build/player/lottie.min.js" "$ROOT/scripts/lottie/lottie-web-page.js" "$OUT/"
: > "$OUT/results.txt"
for file in "$CORPUS"/*.json; do
  name="$(basename "$file" .json)"
  dir="$OUT/$name"
  mkdir -p "$dir/web" "$dir/kiln"
  # width height and the frame list, from the file's w, h, ip, op
  read -r W H LIST < <(python3 - "$file" "$SIZE" "$FRAMES" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); size = int(sys.argv[2]); n = int(sys.argv[3])
w, h, span = d["w"], d["h"], d["op"] - d["ip"]
s = size / max(w, h)
frames = sorted({int(k * span // n) for k in range(n)})
print(max(1, round(w * s)), max(1, round(h * s)), ",".join(map(str, frames)))
PY
)
  {
    echo "<!doctype html><html><body style='margin:0'><div id='anim'></div><pre id='out'></pre>"
    echo "<script src='lottie.min.js'></script><script>var W=$W, H=$H, FRAMES=[$LIST], DATA="
    cat "$file"
    echo ";</script><script src='lottie-web-page.js'></script></body></html>"
  } > "$OUT/$name.html"
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --allow-file-access-from-files \
      --virtual-time-budget=120000 --dump-dom "file://$OUT/$name.html" 2>"$dir/chromium.log" > "$dir/dom.html"
  python3 - "$dir/dom.html" "$dir/web" <<'PY'
import base64, html, re, sys
text = html.unescape(open(sys.argv[1]).read())
m = re.search(r"BEGIN\n(.*)\nEND", text, re.S)
if not m:
    sys.exit("lottie-web produced no frames; see " + sys.argv[1])
for line in m.group(1).splitlines():
    frame, url = line.split(" ", 1)
    if not url.startswith("data:image/png;base64,"):
        sys.exit("lottie-web failed frame " + frame)
    open("%s/frame-%04d.png" % (sys.argv[2], int(frame)), "wb").write(base64.b64decode(url.split(",", 1)[1]))
PY
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$JAR" dev.kiln.bench.LottieFrames \
      render "$file" "$dir/kiln" "$W" "$H" ${LIST//,/ } 2>"$dir/kiln.log" || echo "kiln failed on $name: see $dir/kiln.log" >&2
  "$JAVA_HOME/bin/java" -cp "$JAR" dev.kiln.bench.LottieFrames compare "$dir/kiln" "$dir/web" \
      | sed "s/^/$name /" | tee -a "$OUT/results.txt"
  if [ -n "$WRITE_REFS" ]; then
    REF="$ROOT/kiln-render/src/test/resources/lottie/reference/$name"
    rm -rf "$REF" && mkdir -p "$REF" && cp "$dir"/web/*.png "$REF/"
  fi
done
awk '$2=="TOTAL"{split($3,a,"/"); m+=a[1]; t+=a[2]} END{printf "ALL %d/%d frames within 3%% of pixels\n", m, t}' \
    "$OUT/results.txt" | tee "$OUT/summary.txt"
echo "frames and diffs: $OUT" >&2
