#!/usr/bin/env python3
"""Writes NAME.sql: Sql.CLAIM of the given Sql.java with its parameters written in (one tenant's noop jobs, n = 50,
no kind limits) and the completion of cycle.sql, for bench-queue-statements.sh. Usage: gen.py Sql.java NAME"""
import re, sys
src = open(sys.argv[1]).read()
claim = src[src.index('static final String CLAIM = """') + 31:]
claim = claim[:claim.index('""";')]
claim = ' '.join(re.sub(r'--.*', '', l).strip() for l in claim.splitlines() if l.strip())
args = ["'2026-06-01'", "'{noop}'", "50", "'{}'", "'{}'", "'2026-06-02'", "'w#1'"]
parts = claim.split('?')
assert len(parts) == len(args) + 1, len(parts)
claim = parts[0] + ''.join(a + p for a, p in zip(args, parts[1:]))
claim = claim.replace('SELECT * FROM claimed',
                      'SELECT array_agg(id ORDER BY id) AS ids, array_agg(token ORDER BY id) AS toks FROM claimed')
here = sys.argv[0].rsplit('/', 1)[0]
completion = open(here + '/cycle.sql').read().split('\\gset\n', 1)[1]
open(here + '/' + sys.argv[2] + '.sql', 'w').write(claim + '\n\\gset\n' + completion)
