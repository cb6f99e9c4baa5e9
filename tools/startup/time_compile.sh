#!/bin/sh
# Compiler and linker launcher (CMAKE_<LANG>_COMPILER_LAUNCHER,
# CMAKE_CXX_LINKER_LAUNCHER): runs the command under /usr/bin/time and appends
# "wall<TAB>user<TAB>sys<TAB>output" to $TIME_COMPILE_LOG.
#   emcmake cmake -S . -B build/tprof -DCMAKE_C_COMPILER_LAUNCHER=$PWD/tools/startup/time_compile.sh \
#     -DCMAKE_CXX_COMPILER_LAUNCHER=$PWD/tools/startup/time_compile.sh -DCMAKE_CXX_LINKER_LAUNCHER=$PWD/tools/startup/time_compile.sh
#   TIME_COMPILE_LOG=/tmp/units.tsv cmake --build build/tprof -j2 --target filigrane_web
#   tools/startup/summarize_compile.py /tmp/units.tsv
out=unknown; prev=
for a in "$@"; do [ "$prev" = "-o" ] && out=$a; prev=$a; done
tf=$(mktemp)
/usr/bin/time -f "%e\t%U\t%S" -o "$tf" "$@"; rc=$?
printf '%s\t%s\n' "$(tail -n 1 "$tf")" "$out" >> "${TIME_COMPILE_LOG:?TIME_COMPILE_LOG is not set}"
rm -f "$tf"; exit $rc
