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
  holder IP ENI|none            POST /_sim/holder
  holder-of IP                  print the ENI holding IP (secondary IPs), or "none"
  meta-instance ID              POST /_sim/meta_instance
  role-rotate [--revoke]        POST /_sim/role/rotate
  reset                         POST /_sim/reset
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
            sys.stderr.write(__doc__)
            return 2
    except (OSError, ValueError) as e:
        sys.stderr.write("simctl.py: %s: %s\n" % (base, e))
        return 1
    print(json.dumps(res, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
