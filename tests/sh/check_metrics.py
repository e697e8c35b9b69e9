#!/usr/bin/env python3
"""check_metrics.py FILE [SERIES=VALUE ...]: a strict parser of the Prometheus text format
(exposition format 0.0.4, as node_exporter's textfile collector reads it) for tcvip's
metrics_file: every line is a HELP, a TYPE or a sample; every metric has exactly one HELP and
one TYPE before its samples, which come together; names are tcvip_*, counters end in _total,
label names and values are plain and quoted, values are numbers, no series repeats.
Each SERIES=VALUE argument must be present with that value. Exit 0 ok, 1 with the reason."""
import re
import sys

NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r'^(%s)(\{%s(?:,%s)*\})? (-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)$' % (NAME, LABEL, LABEL))


def fail(msg):
    print('check_metrics: ' + msg)
    sys.exit(1)


def parse(text):
    if not text.endswith('\n'):
        fail('the file does not end with a newline')
    helps, types, samples, done, current = {}, {}, {}, set(), None
    for n, line in enumerate(text[:-1].split('\n'), 1):
        m = re.match(r'^# (HELP|TYPE) (%s) (.+)$' % NAME, line)
        if m:
            kind, name, rest = m.groups()
            table = helps if kind == 'HELP' else types
            if name in table or name in done:
                fail('line %d: a second %s for %s' % (n, kind, name))
            if kind == 'TYPE' and rest not in ('counter', 'gauge'):
                fail('line %d: type %s' % (n, rest))
            table[name] = rest
            if current and current != name:
                done.add(current)
            current = name
            continue
        m = SAMPLE.match(line)
        if not m:
            fail('line %d is neither HELP, TYPE nor a sample: %r' % (n, line))
        name, labels, value = m.groups()
        if name != current or name not in helps or name not in types:
            fail('line %d: sample of %s outside its HELP/TYPE block' % (n, name))
        if not name.startswith('tcvip_'):
            fail('line %d: %s has no tcvip_ prefix' % (n, name))
        if (types[name] == 'counter') != name.endswith('_total'):
            fail('line %d: %s: counters and only counters end in _total' % (n, name))
        key = name + (labels or '')
        if key in samples:
            fail('line %d: %s twice' % (n, key))
        if types[name] == 'counter' and float(value) < 0:
            fail('line %d: negative counter' % n)
        samples[key] = value
    return samples


def main():
    with open(sys.argv[1]) as f:
        samples = parse(f.read())
    for want in sys.argv[2:]:
        key, _, value = want.rpartition('=')
        if key.endswith('~'):	# SERIES~=REGEX: present, value matches
            key = key[:-1]
            if key not in samples or not re.fullmatch(value, samples[key]):
                fail('%s: %s, wanted /%s/' % (key, samples.get(key, 'absent'), value))
        elif value == 'absent':
            if key in samples:
                fail('%s: present (%s), wanted absent' % (key, samples[key]))
        elif samples.get(key) != value:
            fail('%s: %s, wanted %s' % (key, samples.get(key, 'absent'), value))
    print('check_metrics: %d samples ok' % len(samples))


main()
