#!/usr/bin/env python3
"""drill_check.py DRILL_OUT SIM_STATE SIM_LOG PEER_IP PEER_ENI T_END PEER_LAST_MIGRATE:
holds a `vip drill` table and the new master's last_migrate against the simulator's own
records (its task list and request log, one clock: both run on this machine). Prints one
"ok - ..." / "not ok - ..." line per check. The checks are orderings that a correct
measurement always satisfies whatever the machine's speed: none is a time limit."""
import json
import re
import sys

TOL = 0.02  # rounding: the drill prints ms, the simulator 3-4 decimals


def main():
    out, state, log = open(sys.argv[1]).read(), json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
    peer_ip, peer_eni, t_end = sys.argv[4], sys.argv[5], float(sys.argv[6])
    rec = dict(kv.split('=', 1) for kv in open(sys.argv[7]).read().split())
    res = []

    def check(cond, desc):
        res.append(('ok - ' if cond else 'not ok - ') + desc)
        return cond

    m = re.search(r'started .* UTC \(unix ([0-9]+\.[0-9]{3})\)', out)
    if not check(m is not None, 'the table says when the drill started (unix time)'):
        return res
    start = float(m.group(1))

    def at(label):
        r = re.search(re.escape(label) + r' +([0-9]+\.[0-9]{3}) s', out)
        return float(r.group(1)) if r else None

    left, seen, moved = at('this node leaves MASTER'), at('a task moves the VIP (first seen)'), at('cloud: VIP on ' + peer_eni)
    check(re.search(r'advert_int 1\.000 s, priority [0-9]+, check_self every 2\.000 s', out) is not None,
          'the table names the VRRP timers read from keepalived.conf (advert_int 1, interval 2)')
    check(re.search(r'3 x advert_int \+ skew', out) is not None, '... and the master-down bound from them')
    if not check(None not in (left, moved), 'the table has the leave and the move (%s, %s)' % (left, moved)):
        return res
    tasks = [t for t in state['tasks'] if t['dst'] == peer_eni and start - TOL <= t['created'] <= t_end]
    if not check(len(tasks) >= 1, "the simulator ran a task to %s during the drill" % peer_eni):
        return res
    task = tasks[0]
    check(start + moved >= task['ends'] - TOL,
          'the table\'s move (%.3f) is not before the task\'s end at the simulator (%.3f)' % (moved, task['ends'] - start))
    check(moved <= t_end - start + TOL, 'the move is within the drill (%.3f <= %.3f)' % (moved, t_end - start))
    if seen is not None:
        check(start + seen <= task['ends'] + TOL and seen <= moved,
              'the task seen running (%.3f) before it was due to end (%.3f) and before the move' % (seen, task['ends'] - start))
        check(re.search(r'the task: %d\.%03d s from first seen' % divmod(round((moved - seen) * 1000), 1000), out) is not None,
              'the task row says move - first seen (%.3f s)' % (moved - seen))
    calls = [e for e in log if e['source'] == peer_ip and e['action'] in ('MigratePrivateIpAddress', 'AssignPrivateIpAddresses')
             and e['code'] == 'Success' and start - TOL <= e['time'] <= t_end]
    if check(len(calls) >= 1, 'the simulator logged the peer\'s Migrate during the drill'):
        check(calls[0]['time'] <= start + moved + TOL, 'the Migrate (%.3f) came before the table\'s move (%.3f)'
              % (calls[0]['time'] - start, moved))
    # the new master's own phases, against the same records
    check(rec.get('result') == 'done' and rec.get('event') in ('notify', 'fifo'),
          "the peer's last_migrate: done, counted from keepalived's %s" % rec.get('event'))
    ph = {k: int(rec[k + '_ms']) for k in ('request', 'accepted', 'task_ended', 'confirmed') if rec.get(k + '_ms', '-') != '-'}
    if not check(len(ph) == 4, "... with request, accepted, task ended and confirmed (%s)" % ph):
        return res
    check(ph['request'] <= ph['accepted'] <= ph['task_ended'] <= ph['confirmed'] <= int(rec['total_ms']), '... in order')
    event = (int(rec['ended_ms']) - int(rec['total_ms'])) / 1000.0
    check(calls[0]['time'] <= event + ph['accepted'] / 1000.0 + TOL,
          "... accepted (%.3f) after the simulator logged the Migrate (%.3f)" % (event + ph['accepted'] / 1000.0 - start, calls[0]['time'] - start))
    check(event + ph['task_ended'] / 1000.0 >= task['ends'] - TOL,
          "... task ended (%.3f) not before the simulator's task was due (%.3f)" % (event + ph['task_ended'] / 1000.0 - start, task['ends'] - start))
    check(event >= start + left - 1.0 - TOL if left is not None else True,
          "... its event (%.3f) after this node left MASTER (the drill saw it at %.3f)" % (event - start, left))
    return res


print('\n'.join(main()))
