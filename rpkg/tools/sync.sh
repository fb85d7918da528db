#!/bin/sh
# Copy libgma's core and C API sources from the checkout into src/.
#
# Run from the package root (rpkg/): the checkout's libgma/ and capi/ are
# then ../libgma and ../capi. configure calls this; running it by hand
# before `R CMD build rpkg` gives the same result.
#
#   ../libgma/src/NAME.cpp         -> src/core_NAME.cpp
#   ../capi/src/NAME.cpp           -> src/capi_NAME.cpp
#   ../libgma/include/gma/*.hpp    -> src/include/gma/
#   ../capi/include/gma.h          -> src/include/gma.h
#   private headers (*.h, *.hpp) in ../libgma/src and ../capi/src
#                                  -> src/include/ (found by -Iinclude)

set -e

# Step 1: check that this is a checkout with sources in it.
for d in ../libgma/src ../libgma/include/gma ../capi/src ../capi/include; do
  if [ ! -d "$d" ]; then
    echo "sync.sh: $d not found (run from rpkg/ in a libgma checkout)" >&2
    exit 1
  fi
done
set -- ../libgma/src/*.cpp
if [ ! -f "$1" ]; then
  echo "sync.sh: no .cpp files in ../libgma/src yet; keeping src/ as is" >&2
  exit 0
fi

# Step 2: remove earlier copies, so files deleted upstream go too, and
# the objects, which make would not rebuild after a header change.
rm -f src/core_*.cpp src/capi_*.cpp src/*.o src/*.so src/*.dll
rm -rf src/include
mkdir -p src/include/gma

# Step 3: copy, renaming the .cpp files by origin.
for f in ../libgma/src/*.cpp; do
  cp "$f" "src/core_$(basename "$f")"
done
for f in ../capi/src/*.cpp; do
  if [ -f "$f" ]; then cp "$f" "src/capi_$(basename "$f")"; fi
done
for f in ../libgma/include/gma/*.hpp; do
  if [ -f "$f" ]; then cp "$f" src/include/gma/; fi
done
cp ../capi/include/gma.h src/include/gma.h
for f in ../libgma/src/*.h ../libgma/src/*.hpp ../capi/src/*.h \
         ../capi/src/*.hpp; do
  if [ -f "$f" ]; then cp "$f" src/include/; fi
done

echo "sync.sh: copied the libgma sources into src/"
