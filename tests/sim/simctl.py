#!/usr/bin/env python3
# simctl.py: command-line client for the simulator's /_sim/ control endpoints (stdlib only).
"""usage: simctl.py [--url http://127.0.0.1:8080 | --ready-file F] COMMAND [ARGS]

commands:
  state                         GET /_sim/state (JSON)
  log | log-clear               GET /_sim/log, POST /_sim/log/clear
  fault JSON                    POST /_sim/fault, e.g. '{"action":"*","kind":"drop","count":2}'
  fault-clear                   POST /_sim/fault/clear
  clock OFFSET                  POST /_sim/clock (seconds added to the sim clock)
  down SECONDS                  POST /_sim/down
  task-seconds X                POST /_sim/config {"task_seconds": X}
  tls-resume on|off             POST /_sim/config {"tls_resume": BOOL} (off: no TLS session resumed)
  holder IP ENI|none            POST /_sim/holder
  holder-of IP                  print the ENI holding IP (secondary IPs), or "none"
  meta-instance ID              POST /_sim/meta_instance
  role-rotate [--revoke]        POST /_sim/role/rotate
  reset                         POST /_sim/reset
  route TABLE CIDR IP|none      POST /_sim/route (set, add or delete the route to CIDR)
  route-of TABLE CIDR           print the next hop(s) of CIDR in TABLE (comma-separated), or "none"
  route-lookup SUBNET IP        print the next hop a packet from SUBNET to IP takes, or "none"
  eip EIP ENI IP | EIP none     POST /_sim/eip (bind or unbind out of band)
  eip-of EIP                    print "STATUS ENI PRIVATE_IP" of EIP ("UNBIND none none")
  eip-mode unbind|follow|stale  POST /_sim/config {"eip_on_migrate": MODE}
Exit status: 0 ok, 1 the sim refused, 2 usage.
"""

import json
import sys
import urllib.error
import urllib.request


def call(base, path, obj=None):
    data = None if obj is None else json.dumps(obj).encode()
    req = urllib.request.Request(base + path, data=data, method="GET" if obj is None else "POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return True, json.loads(resp.read().decode())
    except urllib.error.HTTPError as e:
        return False, json.loads(e.read().decode() or "{}")


def route_eip(base, cmd, args):
    """Route-table and EIP commands -> (ok, res), or (None, None) when cmd is not one of them.
    A query command prints its answer and returns (True, None)."""
    if cmd == "route" and len(args) == 3:
        return call(base, "/_sim/route", {"table": args[0], "cidr": args[1],
                                          "gateway": None if args[2] == "none" else args[2]})
    if cmd == "eip" and len(args) in (2, 3):
        eni = None if args[1] == "none" else args[1]
        return call(base, "/_sim/eip", {"id": args[0], "eni": eni, "ip": args[2] if len(args) == 3 else None})
    if cmd == "eip-mode" and len(args) == 1:
        return call(base, "/_sim/config", {"eip_on_migrate": args[0]})
    if cmd == "route-lookup" and len(args) == 2:
        ok, res = call(base, "/_sim/route/lookup", {"subnet": args[0], "dst": args[1]})
        if ok:
            print(res["route"]["gateway"] if res["route"] else "none")
            return True, None
        return ok, res
    if cmd in ("route-of", "eip-of") and len(args) == 2 - (cmd == "eip-of"):
        ok, res = call(base, "/_sim/state")
        if not ok:
            return ok, res
        if cmd == "route-of":
            table = res["route_tables"].get(args[0])
            if table is None:
                return False, {"ok": False, "error": "unknown route table %s" % args[0]}
            hops = [r["gateway"] for r in table["routes"] if r["cidr"] == args[1]]
            print(",".join(hops) if hops else "none")
        else:
            a = res["addresses"].get(args[0])
            if a is None:
                return False, {"ok": False, "error": "unknown EIP %s" % args[0]}
            print("%s %s %s" % (a["status"], a["eni"] or "none", a["private_ip"] or "none"))
        return True, None
    return None, None


def main(argv):
    base = "http://127.0.0.1:8080"
    while argv and argv[0].startswith("--"):
        if argv[0] == "--url" and len(argv) > 1:
            base, argv = argv[1].rstrip("/"), argv[2:]
        elif argv[0] == "--ready-file" and len(argv) > 1:
            with open(argv[1]) as f:
                base = "http://127.0.0.1:%d" % json.load(f)["meta_port"]
            argv = argv[2:]
        else:
            break
    if not argv:
        sys.stderr.write(__doc__)
        return 2
    cmd, args = argv[0], argv[1:]
    simple = {"state": ("/_sim/state", None), "log": ("/_sim/log", None),
              "log-clear": ("/_sim/log/clear", {}), "fault-clear": ("/_sim/fault/clear", {}),
              "reset": ("/_sim/reset", {})}
    try:
        if cmd in simple and not args:
            ok, res = call(base, *simple[cmd])
        elif cmd == "fault" and len(args) == 1:
            ok, res = call(base, "/_sim/fault", json.loads(args[0]))
        elif cmd == "clock" and len(args) == 1:
            ok, res = call(base, "/_sim/clock", {"offset": float(args[0])})
        elif cmd == "down" and len(args) == 1:
            ok, res = call(base, "/_sim/down", {"seconds": float(args[0])})
        elif cmd == "task-seconds" and len(args) == 1:
            ok, res = call(base, "/_sim/config", {"task_seconds": float(args[0])})
        elif cmd == "tls-resume" and len(args) == 1 and args[0] in ("on", "off"):
            ok, res = call(base, "/_sim/config", {"tls_resume": args[0] == "on"})
        elif cmd == "holder" and len(args) == 2:
            ok, res = call(base, "/_sim/holder", {"ip": args[0], "eni": None if args[1] == "none" else args[1]})
        elif cmd == "holder-of" and len(args) == 1:
            ok, res = call(base, "/_sim/state")
            if ok:
                print(res["holders"].get(args[0], "none"))
                return 0
        elif cmd == "meta-instance" and len(args) == 1:
            ok, res = call(base, "/_sim/meta_instance", {"id": args[0]})
        elif cmd == "role-rotate" and args in ([], ["--revoke"]):
            ok, res = call(base, "/_sim/role/rotate", {"revoke_old": args == ["--revoke"]})
        else:
            ok, res = route_eip(base, cmd, args)
            if ok is None:
                sys.stderr.write(__doc__)
                return 2
            if ok and res is None:
                return 0
    except (OSError, ValueError) as e:
        sys.stderr.write("simctl.py: %s: %s\n" % (base, e))
        return 1
    print(json.dumps(res, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
