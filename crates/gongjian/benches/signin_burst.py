#!/usr/bin/env python3
"""A burst of 100 sign-ins at once against a running server, and a real user's sign-in in its
middle: the server's resident memory before and at its peak, how long the burst and the real
user took. Python's standard library only.

    cargo build --release
    target/release/gongjian demo --db /tmp/burst.db --addr 127.0.0.1:8098 &
    python3 crates/gongjian/benches/signin_burst.py $(pgrep -f 'gongjian demo --db /tmp/burst.db')

The burst signs in as `leader` and the real user as `fgj` (the demo's users and password).
"""
import json, threading, time, urllib.request, sys
B = 'http://127.0.0.1:8098'
pid = int(sys.argv[1])
def rss():
    for line in open(f'/proc/{pid}/status'):
        if line.startswith('VmRSS'):
            return int(line.split()[1]) // 1024
def login(user, out=None, idx=None):
    req = urllib.request.Request(B + '/api/login', method='POST',
        data=json.dumps({'username': user, 'password': 'gongjian-demo'}).encode(),
        headers={'Content-Type': 'application/json'})
    t = time.time()
    try:
        code = urllib.request.urlopen(req, timeout=300).status
    except urllib.error.HTTPError as e:
        code = e.code
    if out is not None:
        out[idx] = (code, time.time() - t)
base = rss()
peak = [base]
stop = [False]
def sample():
    while not stop[0]:
        peak[0] = max(peak[0], rss()); time.sleep(0.02)
s = threading.Thread(target=sample); s.start()
results = [None] * 100
threads = [threading.Thread(target=login, args=('leader', results, i)) for i in range(100)]
start = time.time()
for t in threads: t.start()
time.sleep(0.3)
real = [None]
login('fgj', real, 0)
for t in threads: t.join()
stop[0] = True; s.join()
codes = {}
for c, _ in results: codes[c] = codes.get(c, 0) + 1
print(f'baseline RSS {base} MB, peak during burst {peak[0]} MB, burst of 100 took {time.time()-start:.1f} s, codes {codes}')
print(f'real user signed in during the burst: status {real[0][0]} in {real[0][1]:.2f} s')
print(f'slowest of the burst {max(t for _, t in results):.2f} s')
