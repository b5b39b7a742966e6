#!/usr/bin/env python3
"""Whole-process GUI measurements of the real spinemark executable, read from its --frame-log.

  keypress-to-frame  Page Down through a workspace of 3000x2500 radiographs and Page Up back, with
                     and without prefetch. A scripted key is injected at the start of a frame, so with prefetch
                     the latency is that frame's work (poll, key, texture upload, draw, swap).
                     Without prefetch it runs until the end of the first frame showing the image.
  worst frame        with prefetch, the longest frame (wall time of its work) from the first key
                     on, which includes the frames that upload the neighbours' textures, and the
                     most texture bytes one frame uploaded (columns absent from older builds).
  idle CPU           CPU time of the process over 30 s without input, from /proc/PID/stat.
  frame CPU          thread CPU time per frame while the cursor moves over an image with 17
                     complete vertebrae (102 landmarks), the side panel, status bar and help open.

Usage: gui_bench.py SPINEMARK WORKSPACE OUTDIR [--keys-only]. Needs an X display (run under xvfb-run).
"""
import os
import statistics
import subprocess
import sys
import time


def read_log(path):
    frames = []
    with open(path) as log:
        header = log.readline().split()
        for line in log:
            values = line.split()
            if len(values) == len(header):
                frames.append({name: float(value) for name, value in zip(header, values)})
    return frames


def run_script(spinemark, workspace, outdir, name, script, extra):
    script_path = os.path.join(outdir, name + ".txt")
    log_path = os.path.join(outdir, name + "-frames.txt")
    with open(script_path, "w") as handle:
        handle.write(script)
    annotations = os.path.join(outdir, name + "-annotations")
    subprocess.run([spinemark, workspace, "--annotations", annotations, "--script", script_path,
                    "--window-size", "1200x900", "--frame-log", log_path, "--log-level", "warn"] + extra,
                   check=True, timeout=600)
    return read_log(log_path)


def keypress_latencies(frames):
    """Milliseconds from each key frame's start to the end of the first frame that shows the new image."""
    latencies = []
    for i, frame in enumerate(frames):
        if frame["keys"] == 0:
            continue
        before = frames[i - 1]["shown"] if i > 0 else -1
        for later in frames[i:]:
            if later["shown"] != before and later["shown"] >= 0:
                latencies.append(later["time_ms"] + later["work_us"] / 1000.0 - frame["time_ms"])
                break
    return latencies


def describe(values, unit):
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
    return "median %.1f %s, p90 %.1f %s, max %.1f %s (n=%d)" % (
        statistics.median(values), unit, p90, unit, values[-1], unit, len(values))


def worst_frames(frames):
    """Prints the longest frame and the largest upload from the first key frame on."""
    first_key = next(i for i, frame in enumerate(frames) if frame["keys"] > 0)
    stepping = frames[first_key:]
    worst = max(stepping, key=lambda frame: frame["work_us"])
    print("while stepping with prefetch: %d frames, longest %.1f ms (frame %d, keys %d), frame work %s" % (
        len(stepping), worst["work_us"] / 1000.0, worst["frame"], worst["keys"],
        describe([frame["work_us"] / 1000.0 for frame in stepping], "ms")))
    if "upload_bytes" in worst:
        uploads = [frame["upload_bytes"] for frame in stepping]
        print("  texture bytes uploaded per frame: max %.0f KiB, %d frames uploading" % (
            max(uploads) / 1024.0, sum(1 for value in uploads if value > 0)))


def keypress_to_frame(spinemark, workspace, outdir, steps=11):
    """Steps from the first image to the last and back, steps keys each way (11 for 12 images)."""
    keys = ["PAGE_DOWN"] * steps + ["PAGE_UP"] * steps
    script = "".join("wait-prefetch\nkey %s\nwait 2\n" % key for key in keys) + "quit\n"
    results = {}
    for prefetch in ("2", "0"):
        frames = run_script(spinemark, workspace, outdir, "keys-prefetch-" + prefetch, script,
                            ["--prefetch", prefetch])
        results[prefetch] = keypress_latencies(frames)
        print("keypress-to-frame, prefetch %s: %s" % (prefetch, describe(results[prefetch], "ms")))
        if prefetch == "2":
            worst_frames(frames)
    return results


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def idle_cpu(spinemark, workspace, outdir, settle_s=10, window_s=30):
    log_path = os.path.join(outdir, "idle-frames.txt")
    process = subprocess.Popen([spinemark, workspace, "--annotations", os.path.join(outdir, "idle-annotations"),
                                "--window-size", "1200x900", "--frame-log", log_path, "--log-level", "warn"])
    try:
        time.sleep(settle_s)  # first image and its prefetch window decode
        start_cpu = cpu_seconds(process.pid)
        start_frames = len(read_log(log_path))
        time.sleep(window_s)
        used = cpu_seconds(process.pid) - start_cpu
        frames = len(read_log(log_path)) - start_frames
    finally:
        process.terminate()
        process.wait(timeout=30)
    print("idle CPU over %d s: %.2f%% of one core, %d frames drawn" % (window_s, 100.0 * used / window_s, frames))
    return used / window_s


def frame_cpu(spinemark, workspace, outdir):
    # 17 vertebrae x 6 landmarks placed by clicks, spread over the image, then the help panel and
    # 120 cursor moves, one per frame.
    lines = ["wait-prefetch"]
    for vertebra in range(17):
        for slot in range(6):
            lines.append("click %d %d" % (600 + 120 * slot, 2300 - 120 * vertebra))
    lines.append("key F1")
    for step in range(120):
        lines.append("move %d %d" % (500 + 15 * step, 1200 + (step % 7) * 10))
    lines.append("quit")
    frames = run_script(spinemark, workspace, outdir, "frame-cpu", "\n".join(lines) + "\n", [])
    moves = [f["cpu_us"] / 1000.0 for f in frames[-125:-5] if f["uploaded"] == 0]
    walls = [f["work_us"] / 1000.0 for f in frames[-125:-5] if f["uploaded"] == 0]
    print("frame CPU (UI thread), 102 landmarks, panels and help open: " + describe(moves, "ms"))
    print("frame work (wall, includes llvmpipe rasterisation): " + describe(walls, "ms"))
    return moves


def main():
    spinemark, workspace, outdir = sys.argv[1:4]
    os.makedirs(outdir, exist_ok=True)
    keypress_to_frame(spinemark, workspace, outdir)
    if len(sys.argv) > 4 and sys.argv[4] == "--keys-only":
        return
    frame_cpu(spinemark, workspace, outdir)
    idle_cpu(spinemark, workspace, outdir)


if __name__ == "__main__":
    main()
