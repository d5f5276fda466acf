#!/usr/bin/env python3
"""Benchmark: N card applications through the channel API of a running CardCase, and how long until
every one is verified (registry simulator, clear match), produced (bank simulator) and waiting at
the branch. Usage: infra/bin/bench-applications.py [base-url] [N]   (default http://localhost:8080 60)

It uses test identities with sequence code 999 (the registry simulator's clear match), so no clerk
is needed; the simulators' delays (registry 300 ms, bank 5 s) are part of what is measured.
"""
import base64, json, struct, sys, time, urllib.request, zlib

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8080"
N = int(sys.argv[2]) if len(sys.argv) > 2 else 60
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
C = "10X98765432"


def png(w, h):
    raw = b"".join(b"\x00" + b"\xff\xff\xff" * w for _ in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def call(method, path, auth, body=None):
    req = urllib.request.Request(BASE + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, json.loads(r.read() or b"null")


portrait = base64.b64encode(png(400, 500)).decode()
idcard = base64.b64encode(png(700, 450)).decode()
stamp = int(time.time()) % 100000
cases, latencies = [], []
start = time.time()
for i in range(N):
    # a different birth date per run and person, so a rerun does not hit "one open application per person"
    day = (stamp * 7 + i) % (365 * 40)
    birth = time.strftime("%Y%m%d", time.gmtime(day * 86400))
    f17 = "110105" + birth + "999"
    idn = f17 + C[sum(int(a) * b for a, b in zip(f17, W)) % 11]
    sex = "MALE" if int(idn[16]) % 2 else "FEMALE"
    t0 = time.time()
    try:
        status, body = call("POST", "/api/applications", "web-portal:web-portal-demo", {
            "applicantName": "测试", "idNumber": idn, "sex": sex, "phone": "13812345678", "issuingBank": "ICBC",
            "channel": "web-portal", "portraitPhoto": portrait, "idCardPhoto": idcard})
        cases.append(body["caseNumber"])
        latencies.append(time.time() - t0)
    except urllib.error.HTTPError as e:
        print("refused:", e.code, e.read()[:200])
accepted = time.time() - start
pending = set(cases)
while pending and time.time() - start < 600:
    for cn in list(pending):
        _, c = call("GET", "/api/cases/" + cn, "web-portal:web-portal-demo")
        if c["currentStep"] == "wait-card-activated":
            pending.discard(cn)
    time.sleep(0.5)
done = time.time() - start
latencies.sort()
print(f"{len(cases)} applications accepted in {accepted:.1f} s "
      f"(p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms per request)")
print(f"{len(cases) - len(pending)} verified, produced and waiting at the branch after {done:.1f} s")
