#!/usr/bin/env python3
"""Redis's own CPU per `FCALL rtgw_publish`, saturated and paced (docs/performance.md, "The Redis path").

    gateway-bench/scripts/redis-publish-cost.py [--rev GIT-REV] [--rates 50,200,1000] [--seconds 20]

Renders the function library of the working tree (or of GIT-REV: compare two versions with two
runs), loads it into a throw-away redis-server on core 0 (loopback, no persistence), holds one
subscriber on each of 100 channels' envelope channel as a node would, then measures the server's
on-CPU time (/proc/<pid>/schedstat, the scheduler's own clock) per publish: once saturated
(redis-benchmark, 4 clients, on core 1) and once per paced rate (one client on core 1).
Needs redis-server, redis-cli and redis-benchmark (Debian: redis-server, redis-tools).
"""
import argparse, os, random, socket, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIBRARY = 'gateway-pubsub/src/main/resources/io/rtgw/pubsub/rtgw-functions.lua'
DATA = '{"n":12345,"t":1733350000000}'


def library(rev):
    if rev:
        src = subprocess.run(['git', '-C', ROOT, 'show', f'{rev}:{LIBRARY}'], check=True,
                             capture_output=True, text=True).stdout
    else:
        src = open(os.path.join(ROOT, LIBRARY)).read()
    # the values a node fills in (FunctionLibrary): defaults, standalone Redis
    for k, v in {'__VERSION__': '0', '__PREFIX__': 'rtgw', '__DEFAULT_SIZE__': '1000',
                 '__DEFAULT_TTL_MS__': '3600000', '__NAMESPACES__': '', '__META_TTL_MS__': '86400000',
                 '__IDEMPOTENCY_TTL_MS__': '86400000', '__PUBLISH__': 'PUBLISH', '__NUMSUB__': 'NUMSUB'}.items():
        src = src.replace(k, v)
    return src


def resp(*args):
    out = b'*%d\r\n' % len(args)
    for a in args:
        a = a.encode()
        out += b'$%d\r\n%s\r\n' % (len(a), a)
    return out


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def on_cpu_seconds(pid):
    return int(open(f'/proc/{pid}/schedstat').read().split()[0]) / 1e9


def paced(port, rate, seconds):
    s = socket.create_connection(('127.0.0.1', port))
    f = s.makefile('rb')
    n, start = int(rate * seconds), time.time()
    for i in range(n):
        s.sendall(resp('FCALL', 'rtgw_publish', '1', 'rtgw:{t1:c%d}' % random.randrange(100), 'message', DATA))
        f.readline()
        delay = start + (i + 1) / rate - time.time()
        if delay > 0:
            time.sleep(delay)
    s.close()
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--rev')
    ap.add_argument('--rates', default='50,200,1000')
    ap.add_argument('--seconds', type=float, default=20)
    a = ap.parse_args()
    port = free_port()
    server = subprocess.Popen(['taskset', '-c', '0', 'redis-server', '--port', str(port), '--bind', '127.0.0.1',
                               '--save', '', '--appendonly', 'no'], stdout=subprocess.DEVNULL)
    subscriber = None
    try:
        cli = ['redis-cli', '-p', str(port)]
        while subprocess.run(cli + ['PING'], capture_output=True).stdout.strip() != b'PONG':
            time.sleep(0.1)
        subprocess.run(cli + ['-x', 'FUNCTION', 'LOAD', 'REPLACE'], input=library(a.rev).encode(), check=True,
                       capture_output=True)
        subscriber = subprocess.Popen(cli + ['SUBSCRIBE'] + ['rtgw:{t1:c%d}:e' % i for i in range(100)],
                                      stdout=subprocess.DEVNULL)
        bench = ['taskset', '-c', '1', 'redis-benchmark', '-p', str(port), '-r', '100', '-q', 'FCALL', 'rtgw_publish',
                 '1', 'rtgw:{t1:c__rand_int__}', 'message', DATA]
        subprocess.run(bench[:6] + ['-c', '1', '-n', '5000'] + bench[6:], capture_output=True, check=True)  # warm
        t0 = on_cpu_seconds(server.pid)
        subprocess.run(bench[:6] + ['-c', '4', '-n', '40000'] + bench[6:], capture_output=True, check=True)
        label = a.rev or 'working tree'
        print(f'{label}: saturated: {(on_cpu_seconds(server.pid) - t0) / 40000 * 1e6:.1f} µs Redis CPU per publish')
        for rate in (float(r) for r in a.rates.split(',')):
            t0 = on_cpu_seconds(server.pid)
            n = paced(port, rate, a.seconds)
            print(f'{label}: paced {rate:g}/s: {(on_cpu_seconds(server.pid) - t0) / n * 1e6:.1f} µs Redis CPU per publish')
    finally:
        if subscriber:
            subscriber.kill()
        server.terminate()
        server.wait()


if __name__ == '__main__':
    sys.exit(main())
