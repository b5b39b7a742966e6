#!/bin/sh
# Runs a GL test program on a display: $DISPLAY when an X server responds there, otherwise a
# private Xvfb started by xvfb-run. Mesa's software rasterizer is forced so that results do not
# depend on the machine's GPU driver.
export LIBGL_ALWAYS_SOFTWARE=1
if [ -n "$DISPLAY" ] && command -v xdpyinfo >/dev/null 2>&1 && xdpyinfo >/dev/null 2>&1; then
  exec "$@"
fi
if ! command -v xvfb-run >/dev/null 2>&1; then
  # Without a display the tests skip themselves, which keeps the suite usable without Xvfb.
  echo "run_with_display.sh: xvfb-run not found (Debian package xvfb); GL tests will skip" >&2
  exec "$@"
fi
# -noreset: by default the server resets when its last client disconnects, and a test suite that
# reconnects during that reset fails to open the display.
exec xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp -noreset" "$@"
