#!/usr/bin/python3
"""Per-library sums and the costliest units from time_compile.sh logs (the last
line per output file counts). Usage: summarize_compile.py LABEL=LOG.tsv ..."""
import re
import sys

GROUPS = [('libwebp', r'third_party_src/libwebp/|/unity_webp_'), ('libtiff', r'third_party_src/tiff/|/unity_tiff_'),
          ('zlib', r'third_party_src/zlib/|/unity_zlib_'), ('libdeflate', r'third_party_src/libdeflate/|/unity_libdeflate_'),
          ('bindings (wasm/)', r'bindings'), ('link (wasm-ld, binaryen, JS)', r'^[^/]*\.m?js$'), ('core (C++)', r'.')]


def load(path):
    units = {}
    for line in open(path):
        wall, user, sys_, out = line.rstrip('\n').split('\t')
        units[out] = (float(wall), float(user) + float(sys_))
    return units


def group(out):
    return next(name for name, pattern in GROUPS if re.search(pattern, out))


runs = [(label, load(path)) for label, path in (a.split('=', 1) for a in sys.argv[1:])]
print('| part | ' + ' | '.join(f'{label}: runs | {label}: CPU' for label, _ in runs) + ' |')
print('|---|' + '---:|---:|' * len(runs))
for name, _ in GROUPS + [('total', None)]:
    cells = []
    for _, units in runs:
        chosen = [u for out, u in units.items() if name == 'total' or group(out) == name]
        cells += [str(len(chosen)), f'{sum(c for _, c in chosen):.1f} s']
    print(f'| {name} | ' + ' | '.join(cells) + ' |')
for label, units in runs:
    print(f'\n{label}, costliest runs (CPU s, output):')
    for out, (wall, cpu) in sorted(units.items(), key=lambda kv: -kv[1][1])[:8]:
        print(f'  {cpu:5.1f}  {re.sub(r"^CMakeFiles/", "", out)}')
