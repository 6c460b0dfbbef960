#!/usr/bin/env python3
# Copyright 2026 The vigil Authors. Licensed under the Apache License 2.0.
"""How the per-kind rates move when the operating point drifts.

The evaluation protocol reports each kind at the 2 % point only: the
threshold that challenges 2 % of legitimate sign-ins. On a stream nobody
tuned on, that threshold lands a little higher or lower; a kind whose scores
pile up just under it then jumps. This prints, for each legitimate challenge
rate asked for, the threshold and the share of each kind above it, over the
protocol's scored population (successful sign-ins after a 30 % warm-up of
the stream's time span, of users with an earlier successful sign-in).

  drift.py EVENTS DECISIONS [DECISIONS...] [--rates 1.5,2,2.5,3]
           [--kinds legit_new_device,legit_travel,ato_targeted]

EVENTS: the labelled stream (vigil worldgen's JSON lines); DECISIONS: one
JSON object per event line, same order, with "score" (vigil replay --out).
Standard library only.
"""

import argparse
import datetime
import json
import sys


WARMUP = 0.3  # the protocol's: this share of the stream's time span is not scored


def parse_time(stamp):
    """Unix seconds of an event's ISO 8601 timestamp."""
    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def warmup_cut(first, last):
    """The first time scored, from the stream's first and last times."""
    return first + WARMUP * (last - first)


def scored_population(events):
    """Indexes of the protocol's scored sign-ins."""
    cut = warmup_cut(parse_time(events[0]["timestamp"]), parse_time(events[-1]["timestamp"]))
    seen, out = set(), []
    for i, e in enumerate(events):
        if e["event_type"] != "sign_in" or e["outcome"] != "success":
            continue
        if e["user_id"] in seen and parse_time(e["timestamp"]) >= cut:
            out.append(i)
        seen.add(e["user_id"])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("events")
    ap.add_argument("decisions", nargs="+")
    ap.add_argument("--rates", default="1.5,2,2.5,3",
                    help="legitimate challenge rates, in %%")
    ap.add_argument("--kinds",
                    default="legit_new_device,legit_travel,ato_targeted")
    args = ap.parse_args()
    try:
        rates = [float(r) / 100 for r in args.rates.split(",")]
    except ValueError:
        sys.exit("--rates: comma-separated percentages, e.g. 1.5,2,2.5")
    if not rates or any(not 0 < r < 1 for r in rates):
        sys.exit("--rates: each in (0, 100)")
    kinds = args.kinds.split(",")
    with open(args.events) as f:
        events = [json.loads(line) for line in f]
    population = scored_population(events)
    rows = []  # printed once every file has been read, so a bad one prints no table
    for path in args.decisions:
        with open(path) as f:
            scores = [json.loads(line)["score"] for line in f]
        if len(scores) != len(events):
            sys.exit(f"{path}: {len(scores)} decisions for {len(events)} events")
        legit = sorted(scores[i] for i in population
                       if not events[i]["label"]["account_takeover"])
        if not legit:
            sys.exit("no legitimate sign-in in the scored population")
        by_kind = {k: [scores[i] for i in population
                       if events[i]["label"]["kind"] == k] for k in kinds}
        for rate in rates:
            threshold = legit[min(len(legit) - 1, int(len(legit) * (1 - rate)))]
            cells = []
            for k in kinds:
                v = by_kind[k]
                cells.append("%.1f %% (%d)" % (
                    100 * sum(s > threshold for s in v) / len(v), len(v))
                    if v else "n/a")
            rows.append("| %s | %.1f %% | %.4f | %s |" % (
                path.rsplit("/", 1)[-1], 100 * rate, threshold, " | ".join(cells)))
    print("| decisions | rate | threshold | " + " | ".join(kinds) + " |")
    print("| --- | --- | --- | " + " | ".join("---" for _ in kinds) + " |")
    print("\n".join(rows))

if __name__ == "__main__":
    try:
        main()
    except (OSError, ValueError, KeyError, TypeError, IndexError) as e:
        # An unreadable file, a line that is not JSON, an event or decision
        # without the fields read.
        sys.exit(f"drift.py: {type(e).__name__}: {e}")
