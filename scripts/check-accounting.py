#!/usr/bin/env python3
"""Checks a run folder's accounting: every offered call is one row, once.

usage: check-accounting.py RESULTS/RUN_FOLDER

Holds when: rows in calls.csv == summary.json's offered == the sum of its outcomes;
every call_uuid appears exactly once; every seq from 0 to offered-1 appears exactly
once; the outcomes counted from calls.csv equal summary.json's. Prints the figures
and exits 1 on any mismatch.
"""
import collections
import csv
import json
import os
import sys


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, "summary.json")) as f:
        summary = json.load(f)
    with open(os.path.join(folder, "calls.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    offered = summary["offered"]
    outcomes = {k: v for k, v in summary["outcomes"].items() if v}
    counted = collections.Counter(row["outcome"] for row in rows)
    uuids = collections.Counter(row["call_uuid"] for row in rows)
    seqs = collections.Counter(int(row["seq"]) for row in rows)
    problems = []
    if len(rows) != offered:
        problems.append(f"calls.csv has {len(rows)} rows, summary.json offered {offered}")
    if sum(outcomes.values()) != offered:
        problems.append(f"outcomes sum to {sum(outcomes.values())}, offered {offered}")
    if dict(counted) != outcomes:
        problems.append(f"outcomes in calls.csv {dict(counted)} != summary.json {outcomes}")
    repeated = [u for u, n in uuids.items() if n > 1]
    if repeated or "" in uuids:
        problems.append(f"{len(repeated)} call_uuid(s) repeated (e.g. {repeated[:3]}), empty: {uuids.get('', 0)}")
    if set(seqs) != set(range(offered)) or any(n > 1 for n in seqs.values()):
        problems.append(f"seq is not 0..{offered - 1} once each")
    print(f"accounting: {len(rows)} rows, offered {offered}, blocked {summary.get('blocked', 0)}, "
          f"outcomes {outcomes}, {len(uuids)} distinct uuids: {'OK' if not problems else 'MISMATCH'}")
    for problem in problems:
        print(f"  {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
