#!/usr/bin/env python3
# latency.py: `make bench`'s latency mode: the outage path at real round-trip times, through a relay that delays like a network.
"""usage: latency.py --sim-meta URL --api-port PORT --rtts 0,5,20,50 --runs N --out FILE.md
          NAME=CONFIG_OR_-::COMMAND ...

Between each contender and the simulator's API port sits a TCP relay on 127.0.0.1 that holds
every chunk RTT/2 in each direction, and the first chunk of each connection one RTT more (the
TCP handshake the client waits for before it can send). Order within a direction is kept.

For each RTT and contender, one untimed run (warm caches: tcvip's TLS session is bound to the
relay's port), then RUNS runs (the VIP put back on eni-simnodeb before each, and for a
tcvip config state_dir/state written MASTER, as notify_action does before it starts the
migrate). From the
simulator's own records, per run:
  migrate   time from the process's exec to the MigratePrivateIpAddress answer at the cloud
            (COMMAND is split on blanks and spawned itself, no /bin/sh -c: a shell in between
            cost about 5 ms of this on the 2-CPU machine)
  rtt       that time / RTT (round trips; "-" at RTT 0)
  connect   exec to the process's first connection reaching the relay: its own start-up, the
            part of `migrate` that is not round trips or the simulator's
  late      the task's end (the simulator records when it was due) to the first request that
            found it ended (what the client learns, one-way later)
  after     the task's end to the process's exit (what tcvip spends once the cloud is done:
            noticing it, confirming the holder, exiting)
  whole     exec to the process's exit
Medians go into a markdown table in FILE.md. CONFIG is a file whose ':API_PORT' is rewritten
to the relay's port into a copy; COMMAND's {conf} is that copy. Timing never decides a test.

COMMAND "fifo BINARY" is the notify FIFO form: BINARY's notify_fifo consumer runs for the
whole row on a FIFO of its own (its state_dir is CONFIG's), one untimed MASTER event first to
warm it; each run writes `INSTANCE "VI_1" MASTER 100` to the FIFO and times from that write
(migrate: to the Migrate at the cloud; whole: until the consumer rewrote last_migrate).
"""
import asyncio
import json
import os
import re
import shlex
import tempfile
import statistics
import subprocess
import sys
import threading
import time
import urllib.request


class Relay:
    """127.0.0.1:port -> 127.0.0.1:target, each chunk held rtt/2 (+rtt for a connection's first)."""

    def __init__(self, target, rtt_s):
        self.target, self.rtt = target, rtt_s
        self.loop = asyncio.new_event_loop()
        self.port = None
        self.accepts = []       # time.time() of each connection accepted
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait(10)

    def _run(self, ready):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        self.loop.run_forever()

    async def _pipe(self, reader, writer, first_extra):
        queue = asyncio.Queue()

        async def deliver():
            while True:
                due, data = await queue.get()
                if data is None:
                    break
                wait = due - self.loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()
            writer.close()

        task = self.loop.create_task(deliver())
        extra = first_extra
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                queue.put_nowait((self.loop.time() + self.rtt / 2 + extra, data))
                extra = 0.0
        except OSError:
            pass
        queue.put_nowait((0, None))
        try:
            await task
        except OSError:
            pass

    async def _client(self, creader, cwriter):
        self.accepts.append(time.time())
        try:
            sreader, swriter = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            cwriter.close()
            return
        await asyncio.gather(self._pipe(creader, swriter, self.rtt), self._pipe(sreader, cwriter, 0.0))


def get_json(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)


def post_json(url, obj):
    req = urllib.request.Request(url, json.dumps(obj).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.load(r)


def state_dir_of(conf):
    """A tcvip config's state_dir, or None (another contender's file)."""
    try:
        with open(conf) as f:
            m = re.search(r"^state_dir = (.*)$", f.read(), re.M)
    except OSError:
        return None
    return m.group(1).strip() if m else None


def one_run(meta, cmd, vip, relay, state_dir=None):
    post_json(meta + "/_sim/holder", {"ip": vip, "eni": "eni-simnodeb"})
    post_json(meta + "/_sim/log/clear", {})
    if state_dir:       # what notify_action writes just before it starts `vip migrate`
        with open(os.path.join(state_dir, "state"), "w") as f:
            f.write("MASTER\n")
    argv = shlex.split(cmd)
    t0 = time.time()
    rc = subprocess.call(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return run_report(meta, t0, rc, time.time(), relay)


def run_report(meta, t0, rc, t_exit, relay=None):
    """One run's figures from the simulator's records, for a run that started at t0."""
    time.sleep(0.05)
    log = get_json(meta + "/_sim/log")
    state = get_json(meta + "/_sim/state")
    mig = [e for e in log if e["action"] == "MigratePrivateIpAddress" and e["code"] in ("Success", None, "")]
    tasks = [t for t in state["tasks"] if t.get("created") is not None and t["created"] >= t0 - 0.01]
    late = after = None
    for t in tasks:
        if t.get("finished") is not None and t.get("ends") is not None:
            late = max(0.0, t["finished"] - t["ends"])
            after = t_exit - t["ends"]
    conn = [t for t in (relay.accepts if relay else []) if t >= t0]
    return {"rc": rc, "migrate": (mig[0]["time"] - t0) if mig else None, "late": late,
            "whole": t_exit - t0, "after": after, "calls": len(log),
            "connect": (conn[0] - t0) if conn else None}


class FifoConsumer:
    """A running `BINARY notify_fifo -c CONF FIFO`: the FIFO form with its kept connection."""

    def __init__(self, binary, conf):
        self.dir = tempfile.mkdtemp(prefix="tcvip-lat-fifo.")
        self.fifo = os.path.join(self.dir, "notify.fifo")
        os.mkfifo(self.fifo, 0o600)
        self.state_dir = state_dir_of(conf)
        self.proc = subprocess.Popen([binary, "notify_fifo", "-c", conf, self.fifo],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.fd = os.open(self.fifo, os.O_WRONLY)     # blocks until the consumer opened it

    def event(self, meta, vip):
        """Writes a MASTER event; waits (at most 15 s) for the consumer's migrate to end."""
        path = os.path.join(self.state_dir, "last_migrate")
        before = os.stat(path).st_mtime_ns if os.path.exists(path) else 0
        t0 = time.time()
        os.write(self.fd, b'INSTANCE "VI_1" MASTER 100\n')
        deadline = t0 + 15
        while time.time() < deadline:
            if os.path.exists(path) and os.stat(path).st_mtime_ns != before:
                break
            time.sleep(0.002)
        t_exit = time.time()
        holder = get_json(meta + "/_sim/state")["holders"].get(vip)
        return t0, (0 if holder == "eni-simnodea" else 1), t_exit

    def stop(self):
        os.close(self.fd)
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.unlink(self.fifo)
        os.rmdir(self.dir)


def fifo_runs(meta, binary, conf, vip, runs):
    consumer = FifoConsumer(binary, conf)
    results = []
    try:
        for i in range(runs + 1):       # the first, untimed: discovery and caches warm
            post_json(meta + "/_sim/holder", {"ip": vip, "eni": "eni-simnodeb"})
            time.sleep(0.2)              # the kept connection is idle again, as between events
            post_json(meta + "/_sim/log/clear", {})
            t0, rc, t_exit = consumer.event(meta, vip)
            if i:
                results.append(run_report(meta, t0, rc, t_exit))
    finally:
        consumer.stop()
    return results


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt_ms(s):
    return "-" if s is None else "%.1f ms" % (s * 1000)


def main(argv):
    args, contenders, i = {}, [], 1
    while i < len(argv):
        if argv[i].startswith("--"):
            args[argv[i][2:]] = argv[i + 1]
            i += 2
        else:
            name, rest = argv[i].split("=", 1)
            conf, cmd = rest.split("::", 1)
            contenders.append((name, conf, cmd))
            i += 1
    meta, port = args["sim-meta"], int(args["api-port"])
    rtts = [int(x) for x in args.get("rtts", "0,5,20,50").split(",")]
    runs, vip = int(args.get("runs", "5")), args.get("vip", "198.18.0.100")
    rows = []
    for rtt in rtts:
        relay = Relay(port, rtt / 1000.0)
        for name, conf, cmd in contenders:
            copy = "-"
            if conf != "-":
                copy = "%s.rtt%d" % (conf, rtt)
                with open(conf) as f:
                    text = f.read().replace(":%d" % port, ":%d" % relay.port)
                fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "w") as f:
                    f.write(text)
            if cmd.startswith("fifo "):
                results = fifo_runs(meta, cmd[5:].strip(), copy, vip, runs)
            else:
                sd = state_dir_of(copy) if copy != "-" else None
                # the first, untimed: this relay's port is new, so is the TLS session bound to it
                results = [one_run(meta, cmd.replace("{conf}", copy), vip, relay, sd)
                           for _ in range(runs + 1)][1:]
            ok = sum(1 for r in results if r["rc"] == 0)
            m = med(r["migrate"] for r in results)
            rows.append((rtt, name, m, None if (m is None or rtt == 0) else m / (rtt / 1000.0),
                         med(r["late"] for r in results), med(r["whole"] for r in results),
                         med(r["calls"] for r in results), ok, runs,
                         med(r.get("connect") for r in results), med(r.get("after") for r in results)))
            sys.stderr.write("latency: rtt %d ms %s: migrate %s (connect %s) late %s (%d/%d ok)\n"
                             % (rtt, name, fmt_ms(m), fmt_ms(rows[-1][9]), fmt_ms(rows[-1][4]), ok, runs))
        relay.loop.call_soon_threadsafe(relay.loop.stop)
    out = ["| RTT | contender | exec → Migrate at the cloud | round trips | exec → connect | task end → noticed | task end → done | whole job | API calls | ok |",
           "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for rtt, name, m, n, late, whole, calls, ok, total, conn, after in rows:
        out.append("| %d ms | %s | %s | %s | %s | %s | %s | %s | %s | %d/%d |" % (
            rtt, name, fmt_ms(m), "-" if n is None else "%.1f" % n, fmt_ms(conn), fmt_ms(late),
            fmt_ms(after), fmt_ms(whole), "-" if calls is None else "%g" % calls, ok, total))
    with open(args["out"], "w") as f:
        f.write("\n".join(out) + "\n")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
