# One keep-alive client sending a seeded sequence of evaluations (the same
# every run): benchmarks/http/instructions.sh.
# usage: seeded_evaluations.py PORT API_KEY COUNT
import http.client, json, random, sys
port, key, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
rng = random.Random(7)
c = http.client.HTTPConnection("127.0.0.1", port)
uas = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0", "Mozilla/5.0 (Macintosh) Safari/605.1", "Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0"]
ok = 0
for i in range(n):
    u = rng.randrange(300)
    home = "81.2.69.%d" % (u % 250 + 1)
    ip = home if rng.random() < 0.8 else "%d.%d.%d.%d" % (rng.choice([81, 89, 175, 216, 2]), rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))
    body = {"event_type": rng.choice(["sign_in"] * 8 + ["sign_up", "password_change"]), "user_id": "user%d" % u, "ip": ip,
            "user_agent": uas[u % 3], "device_fingerprint": "dev-%d" % u if rng.random() < 0.9 else "dev-x%d" % rng.randrange(10**6)}
    r = rng.random()
    if r < 0.7: body["outcome"] = "success"
    elif r < 0.8: body["outcome"] = "failure"
    c.request("POST", "/v1/evaluate", json.dumps(body), {"Content-Type": "application/json", "Authorization": "Bearer " + key})
    resp = c.getresponse(); data = resp.read()
    if resp.status == 200: ok += 1
    elif i < 3: print(resp.status, data[:200], file=sys.stderr)
print("ok", ok, "of", n)
