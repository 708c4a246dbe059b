#!/usr/bin/env bash
# Installs the few system libraries that the ffmpeg bundled in org.bytedeco:ffmpeg (linux-x86_64-gpl) links to and
# does not ship itself (its libavdevice needs PulseAudio's, ALSA's and XCB's client libraries, even though Kiln never
# opens an audio or X device). Run by `./kiln up` and `./kiln test`; does nothing once they are present.
# Without them the bundled ffmpeg cannot start and Kiln falls back to an ffmpeg on the PATH (docs/video.md).
set -euo pipefail

# soname → Debian package
declare -A NEEDED=(
  [libpulse.so.0]=libpulse0
  [libasound.so.2]=libasound2
  [libxcb.so.1]=libxcb1
  [libxcb-shm.so.0]=libxcb-shm0
)

missing=()
for lib in "${!NEEDED[@]}"; do
  if ! /sbin/ldconfig -p 2>/dev/null | grep -q "^[[:space:]]*$lib "; then
    missing+=("${NEEDED[$lib]}")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  exit 0 # the bundled ffmpeg is for linux-x86_64 only; elsewhere Kiln uses the system's
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "kiln: installing libraries the bundled ffmpeg needs: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
      || echo "kiln: could not install ${missing[*]}; video needs them or an ffmpeg on the PATH" >&2
  fi
else
  echo "kiln: the bundled ffmpeg needs ${missing[*]} (install them, or put an ffmpeg with libx264 on the PATH)" >&2
fi
