#!/usr/bin/env python3
"""Cuts the FreeSWITCH captures into a libFuzzer seed corpus (Fuzz/run.sh calls this).

usage: seeds.py CAPTURE_DIR OUT_DIR MAX_LEN

Each capture is split into frames the way ESL frames them (a header block up to a
blank line, then Content-Length bytes). Seeds: up to three frames of each kind
(Content-Type and Event-Name), each also with the one and two frames that follow it,
and the first MAX_LEN bytes of each capture, all at most MAX_LEN bytes. (Every frame
would give about 19,000 mostly redundant seeds.) Written at run time into OUT_DIR; never committed.
"""
import hashlib
import os
import sys


def frames(data):
    """Yields the frames of one capture; stops at the first one it cannot frame."""
    at = 0
    while at < len(data):
        while at < len(data) and data[at] == 0x0A:
            at += 1
        end = data.find(b"\n\n", at)
        if end < 0:
            return
        length = 0
        for line in data[at:end].split(b"\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                try:
                    length = int(value.strip())
                except ValueError:
                    return
        stop = end + 2 + length
        if stop > len(data):
            return
        yield data[at:stop]
        at = stop


def kind(frame):
    """(Content-Type, Event-Name) of a frame, for picking a few of each."""
    content_type = event = b""
    for line in frame.split(b"\n"):
        if line.lower().startswith(b"content-type:"):
            content_type = content_type or line
        elif line.startswith(b"Event-Name:") or line.startswith(b'{"Event-Name"'):
            event = event or line[:60]
    return content_type, event


def main():
    source, out, max_len = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.makedirs(out, exist_ok=True)
    seen = set()
    kinds = {}

    def write(seed):
        if not seed or len(seed) > max_len:
            return
        digest = hashlib.sha1(seed).hexdigest()
        if digest in seen:
            return
        seen.add(digest)
        with open(os.path.join(out, digest), "wb") as f:
            f.write(seed)

    for name in sorted(os.listdir(source)):
        if not name.endswith(".raw"):
            continue
        with open(os.path.join(source, name), "rb") as f:
            data = f.read()
        write(data[:max_len])
        cut = list(frames(data))
        for i, frame in enumerate(cut):
            key = kind(frame)
            kinds[key] = kinds.get(key, 0) + 1
            if kinds[key] > 3:
                continue
            write(frame)
            write(b"".join(cut[i:i + 2]))
            write(b"".join(cut[i:i + 3]))
    print(f"seeds.py: {len(seen)} seeds of at most {max_len} bytes in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
