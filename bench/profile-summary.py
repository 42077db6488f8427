#!/usr/bin/env python3
"""Sums async-profiler collapsed stacks by layer (bench/profile.sh).

CPU: each sample goes to the layer of the frame nearest the leaf that is not the JDK's own (java.*, jdk.*, sun.*):
a HashMap lookup made by Spring counts as Spring. Kernel and libc frames are one layer, JVM-internal frames (GC,
JIT, interpreter, runtime) another. Allocation: the same for the frame that allocated (the leaf is the type).
usage: profile-summary.py CPU.collapsed ALLOC.collapsed [REQUESTS_DURING_ALLOC_PROFILE]
"""
import collections
import sys

LAYERS = [
    ("io.fanout.", "Fanout (engine, policies, envelope, routes)"),
    ("reactor.netty.", "Reactor Netty"),
    ("reactor.core.", "Reactor operators"),
    ("io.netty.", "Netty (event loop, HTTP codec, buffers)"),
    ("org.springframework.", "Spring (WebFlux, HTTP adapters)"),
    ("io.micrometer.", "Micrometer (metrics, observation, tracing bridge)"),
    ("io.opentelemetry.", "OpenTelemetry"),
    ("tools.jackson.", "Jackson"),
    ("com.fasterxml.", "Jackson"),
    ("io.github.resilience4j.", "Resilience4j"),
    ("com.github.benmanes.", "Caffeine"),
]
JDK = ("java.", "jdk.", "sun.", "javax.")


def frames(line):
    # Java frames are written with the package path in slashes (java/lang/Thread.run); they are marked with a
    # leading "J:" here, so native frames with dots in them (clock_gettime@@GLIBC_2.17) are not taken for Java
    stack, _, count = line.rstrip("\n").rpartition(" ")
    return ["J:" + f.replace("/", ".") if "/" in f and " " not in f.split("(")[0] else f for f in stack.split(";")], int(count)


def is_java(frame):
    return frame.startswith("J:")


def name(frame):
    return frame[2:] if frame.startswith("J:") else frame


def layer(stack, skip_leaf=False):
    rest = stack[:-1] if skip_leaf else stack
    leaf = rest[-1] if rest else ""
    if leaf.endswith("_[k]") or leaf.startswith("[k]") or "entry_SYSCALL" in leaf:
        return "kernel (syscalls, TCP/IP)"
    for frame in reversed(rest):
        if not is_java(frame):
            if frame.endswith("_[k]"):
                return "kernel (syscalls, TCP/IP)"
            continue
        java = name(frame)
        if java.startswith(JDK):
            continue
        for prefix, layer_name in LAYERS:
            if java.startswith(prefix):
                return layer_name
        return "other libraries (" + ".".join(java.split(".")[:2]) + ")"
    if any(is_java(f) for f in rest):
        return "JDK only (threads, NIO, no library frame)"
    if any(f.endswith("_[k]") for f in rest):
        return "kernel (syscalls, TCP/IP)"
    return "JVM (GC, JIT, interpreter, runtime)"


def self_frame(stack, skip_leaf=False):
    rest = stack[:-1] if skip_leaf else stack
    for frame in reversed(rest):
        if is_java(frame) and not name(frame).startswith(JDK):
            return name(frame).split("_[")[0]
    return name(rest[-1] if rest else "?").split("_[")[0]


def summarize(path, title, unit, skip_leaf, per=None):
    by_layer, by_frame, total = collections.Counter(), collections.Counter(), 0
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            stack, count = frames(line)
            total += count
            by_layer[layer(stack, skip_leaf)] += count
            key = self_frame(stack, skip_leaf)
            if skip_leaf:
                key += "  → " + name(stack[-1]).split("_[")[0]
            by_frame[key] += count
    print(f"### {title}\n")
    if per:
        print(f"{total:,} {unit} in total, {per:,} requests: {total / per:,.0f} {unit} per request\n")
    print("| layer | share |\n|---|---:|")
    for layer_name, c in by_layer.most_common():
        print(f"| {layer_name} | {100.0 * c / total:.1f} % |")
    print(f"\nTop 25 {'allocation sites (first non-JDK frame → type)' if skip_leaf else 'self frames (nearest non-JDK frame)'}:\n")
    print("| frame | share |\n|---|---:|")
    for frame_name, c in by_frame.most_common(25):
        print(f"| `{frame_name}` | {100.0 * c / total:.1f} % |")
    print()


summarize(sys.argv[1], "CPU (samples of 1 ms)", "samples", False)
requests = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] else None
summarize(sys.argv[2], "Allocation (bytes, sampled every 512 KiB and scaled)", "bytes", True, requests)
