#!/usr/bin/env python3
# Bytes of Redis memory per user and per event (docs/scale-out.md, "Sizing").
# Against a running vigild on a redis:// store of its own namespace, and the
# cluster's primaries: used_memory summed over the primaries (INFO memory,
# through redis-cli) before, after USERS users signed in once each (a
# profile, an event, devices, counters), and after EVENTS_PER_USER - 1 more
# sign-ins each (events only, mostly).
#
#   sizing.py --vigild 127.0.0.1:PORT --api-key KEY --primaries 7200,7201,7202
#             [--users 2000] [--events-per-user 10]
import argparse, http.client, json, random, subprocess, sys, threading

ap = argparse.ArgumentParser()
ap.add_argument("--vigild", required=True)
ap.add_argument("--api-key", required=True)
ap.add_argument("--primaries", required=True)
ap.add_argument("--users", type=int, default=2000)
ap.add_argument("--events-per-user", type=int, default=10)
a = ap.parse_args()
host, port = a.vigild.rsplit(":", 1)
ports = a.primaries.split(",")

def used():
    total = 0
    for p in ports:
        out = subprocess.run(["redis-cli", "-p", p, "INFO", "memory"], capture_output=True,
                             text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("used_memory:"):
                total += int(line.split(":")[1])
    return total

def sign_ins(users, rounds):
    def work(part):
        c = http.client.HTTPConnection(host, int(port))
        rng = random.Random(part)
        for u in part_users[part]:
            for _ in range(rounds):
                body = {"event_type": "sign_in", "user_id": "sizing-user-%d" % u,
                        "ip": "81.2.69.%d" % (u % 250 + 1),
                        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0",
                        "device_fingerprint": "fp-%d" % u, "outcome": "success"}
                c.request("POST", "/v1/evaluate", json.dumps(body),
                          {"Content-Type": "application/json",
                           "Authorization": "Bearer " + a.api_key})
                r = c.getresponse(); r.read()
                if r.status != 200:
                    sys.exit("evaluate answered %d" % r.status)
    part_users = [users[i::4] for i in range(4)]
    ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in ts: t.start()
    for t in ts: t.join()

users = list(range(a.users))
m0 = used()
sign_ins(users, 1)
m1 = used()
sign_ins(users, a.events_per_user - 1)
m2 = used()
events = a.users * (a.events_per_user - 1)
print("used_memory over the primaries: %d before, %d after %d users (1 sign-in each), "
      "%d after %d more sign-ins" % (m0, m1, a.users, m2, events))
print("per user (first sign-in: profile, event, counters): %.0f bytes" % ((m1 - m0) / a.users))
print("per further event: %.0f bytes" % ((m2 - m1) / events))
