#!/usr/bin/python3
"""Sums timed_shell.sh logs (wall, user, sys, command) into the steps of
`make run`, one Markdown table with a column pair per log.
Usage: tools/startup/summarize_steps.py LABEL=FILE.steps.tsv ..."""
import re
import sys

STEPS = [
    ('Debian packages (apt-deps-run)', r'^missing=\$\(for p|^command -v node'),
    ('npm ci', r'^npm ci|^touch node_modules'),
    ('codec sources: download (apt-get source)',
     r'^apt-get -o Dir::Etc::SourceList|^cd build/third_party_src/download && apt-get|^rm -rf build/third_party_src build/third_party_apt'
     r'|^mkdir -p build/third_party_apt|^printf .deb-src|^touch build/third_party_src/download'),
    ('codec sources: unpack (dpkg-source)',
     r'dpkg-source|^rm -rf build/third_party_src/|^cat build/third_party_src/VERSIONS|^touch build/third_party_src/.stamp'),
    ('configure build/wasm (emcmake cmake)', r'^\[ -f build/wasm/CMakeCache.txt \]'),
    ('build-web (compile + link)', r'cmake --build build/wasm'),
    ('models', r'tfjs_to_onnx'),
    ('site (assemble build/site)',
     r'^(rm -rf build/site|mkdir -p build/site|cp |rm -f build/site|node tools/write_|touch build/site|# )'),
    ('make itself ($(shell ...) while reading the makefiles)', r'^(sed -n|find site|nproc)'),
]
# Lines that only wrap others (sub-makes) or run inside cmake's own build.
NESTED = r'^(make |/usr/bin/gmake|/usr/bin/cmake|/usr/bin/em|cd /.*/build/wasm|.*CMakeFiles)'


def load(path):
    sums = {name: [0.0, 0.0] for name, _ in STEPS}
    other = []
    for line in open(path):
        parts = line.rstrip('\n').split('\t', 3)
        if len(parts) < 4 or not parts[0]:
            continue
        wall, user, sys_, cmd = float(parts[0]), float(parts[1]), float(parts[2]), parts[3].lstrip()
        if re.search(NESTED, cmd):
            continue
        for name, pattern in STEPS:
            if re.search(pattern, cmd):
                sums[name][0] += wall
                sums[name][1] += user + sys_
                break
        else:
            other.append((wall, user + sys_, cmd))
    return sums, other


def main():
    runs = [arg.split('=', 1) for arg in sys.argv[1:]]
    data = [(label, *load(path)) for label, path in runs]
    print('| step | ' + ' | '.join(f'{label} wall | {label} CPU' for label, _, _ in data) + ' |')
    print('|---|' + '---:|---:|' * len(data))
    for name, _ in STEPS:
        cells = []
        for _, sums, _ in data:
            wall, cpu = sums[name]
            cells += [f'{wall:.1f} s', f'{cpu:.1f} s']
        print(f'| {name} | ' + ' | '.join(cells) + ' |')
    for label, _, other in data:
        for wall, cpu, cmd in other:
            if wall >= 0.05:
                print(f'unclassified in {label}: {wall:.2f} s {cpu:.2f} s {cmd[:100]}', file=sys.stderr)


main()
