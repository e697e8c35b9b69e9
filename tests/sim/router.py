#!/usr/bin/env python3
# router.py: the simulated VPC's router: keeps a network namespace's kernel routes equal to the simulator's route tables.
"""usage: router.py --ready-file F --netns NS [--interval 0.2] [--seconds 600] [--once] [-v]

NS is the namespace that forwards between the subnets (one interface per subnet, each holding
the subnet's .1 gateway address).  For the subnet number i of the sim's state (world order),
router.py adds `ip rule from SUBNET-CIDR lookup 100+i` and keeps kernel table 100+i equal to the
enabled routes of that subnet's route table (one next hop per destination: the first created,
as /_sim/route/lookup chooses among ECMP routes).  A destination no route covers falls through
to the main table, which holds only the connected subnets: traffic to a VIP without a route is
dropped, as in the VPC.  Runs until SIGTERM/SIGINT or --seconds, then removes its rules and
tables.  Only NORMAL_CVM next hops exist in the simulated VPC ("via GATEWAY").
"""

import argparse
import json
import signal
import subprocess
import sys
import time
import urllib.request

TABLE_BASE = 100
RULE_PREF_BASE = 1000


def sim_state(base):
    with urllib.request.urlopen(base + "/_sim/state", timeout=5) as resp:
        return json.loads(resp.read().decode())


def desired_tables(state):
    """-> {kernel table: (subnet cidr, {dest cidr: gateway})}"""
    out = {}
    for i, (sid, sub) in enumerate(state["subnets"].items()):
        routes = {}
        table = state["route_tables"].get(sub["route_table"] or "", {"routes": []})
        for r in table["routes"]:
            if r["enabled"] and r["type"] == "NORMAL_CVM" and r["cidr"] not in routes:
                routes[r["cidr"]] = r["gateway"]
        out[TABLE_BASE + i] = (sub["cidr"], routes)
    return out


class Router:
    def __init__(self, netns, verbose):
        self.netns, self.verbose = netns, verbose
        self.applied = {}           # table -> {dest: gateway}
        self.rules = {}             # table -> subnet cidr

    def ip(self, *args):
        cmd = ["ip", "-n", self.netns] + list(args)
        res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=10)
        if res.returncode != 0:
            sys.stderr.write("router.py: %s: %s\n" % (" ".join(cmd), res.stderr.strip()))
        elif self.verbose:
            sys.stderr.write("router.py: %s\n" % " ".join(cmd))
        return res.returncode == 0

    def sync(self, want):
        for table, (cidr, routes) in want.items():
            if self.rules.get(table) != cidr:
                if table in self.rules:
                    self.ip("rule", "del", "pref", str(RULE_PREF_BASE + table))
                if self.ip("rule", "add", "from", cidr, "lookup", str(table), "pref", str(RULE_PREF_BASE + table)):
                    self.rules[table] = cidr
            have = self.applied.setdefault(table, {})
            for dest in [d for d in have if d not in routes]:
                self.ip("route", "del", dest, "table", str(table))
                del have[dest]
            for dest, gw in routes.items():
                if have.get(dest) != gw and self.ip("route", "replace", dest, "via", gw, "table", str(table)):
                    have[dest] = gw

    def cleanup(self):
        for table in list(self.rules):
            self.ip("rule", "del", "pref", str(RULE_PREF_BASE + table))
        for table in list(self.applied):
            self.ip("route", "flush", "table", str(table))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ready-file", required=True)
    ap.add_argument("--netns", required=True)
    ap.add_argument("--interval", type=float, default=0.2)
    ap.add_argument("--seconds", type=float, default=600.0)
    ap.add_argument("--once", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    try:
        with open(args.ready_file) as f:
            base = "http://127.0.0.1:%d" % json.load(f)["meta_port"]
    except (OSError, ValueError, KeyError) as e:
        sys.stderr.write("router.py: %s: %s\n" % (args.ready_file, e))
        return 1
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    router = Router(args.netns, args.verbose)
    deadline = time.monotonic() + args.seconds
    rc = 0
    while not stop and time.monotonic() < deadline:
        try:
            router.sync(desired_tables(sim_state(base)))
        except (OSError, ValueError, KeyError) as e:
            sys.stderr.write("router.py: %s/_sim/state: %s\n" % (base, e))
        if args.once:
            return rc
        time.sleep(args.interval)
    router.cleanup()
    return rc


if __name__ == "__main__":
    sys.exit(main())
