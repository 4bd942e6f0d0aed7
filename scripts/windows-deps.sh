#!/usr/bin/env bash
# Builds the dependencies of the Windows build of mailmig from Debian 12's source packages, pinned,
# with Debian's MinGW-w64 cross compiler, into PREFIX (include/, lib/, lib/cmake/).
#   scripts/windows-deps.sh PREFIX
# Debian has no MinGW builds of them (see ../shared/windows-notes.md for what was measured).
# Header-only libraries (Boost's headers, nlohmann-json, CLI11, dtl) are Debian's own, linked in.
# No iconv, libintl or nettle: the Windows build uses Windows' code pages and BCrypt instead.
# The caller (build.sh windows) names PREFIX after windows_deps_key below and reuses it.
set -euo pipefail

# The pinned source versions; build.sh keys the folder on this line and this script's contents.
PUGIXML=1.13-0.2
SQLITE3=3.40.1-2+deb12u2
SQLITECPP=3.2.1-1
BOOST=1.74.0+ds1-21 # Boost.Filesystem's sources; must match Debian's installed Boost headers

prefix=${1:?usage: scripts/windows-deps.sh PREFIX}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
toolchain=$source_dir/cmake/mingw-w64-x86_64.cmake
jobs=${JOBS:-$(nproc)}
triplet=x86_64-w64-mingw32
cc=$triplet-gcc-posix
cxx=$triplet-g++-posix

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir -p "$prefix/include" "$prefix/lib"
log=$prefix/build.log

step() { echo "windows-deps: $*"; }

cross_cmake() {
  local source=$1 build=$2
  shift 2
  cmake -S "$source" -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" -DBUILD_SHARED_LIBS=OFF \
    -DMAILMIG_WINDOWS_DEPS="$prefix" "$@" >>"$log"
  cmake --build "$build" -j "$jobs" >>"$log"
  cmake --install "$build" >>"$log"
}

step "downloading the pinned source packages"
apt-get source --download-only "pugixml=$PUGIXML" "sqlite3=$SQLITE3" "sqlitecpp=$SQLITECPP" \
  "boost1.74=$BOOST" >>"$log" 2>&1

step "pugixml $PUGIXML"
tar xzf pugixml_*.orig.tar.gz
cross_cmake pugixml-1.13 build-pugixml -DPUGIXML_BUILD_TESTS=OFF

# SQLite's cross `configure --host` is broken (it runs build tools named .exe and picks the Unix
# VFS): the amalgamation is generated natively, then compiled with the cross compiler.
step "sqlite3 $SQLITE3 (amalgamation)"
mkdir sqlite-src
tar xJf sqlite3_*.orig.tar.xz -C sqlite-src --strip-components=1
(cd sqlite-src && ./configure >>"$log" 2>&1 && make sqlite3.c >>"$log" 2>&1)
# Column metadata: SQLiteCpp calls sqlite3_column_origin_name (Debian enables it too).
"$cc" -O2 -DSQLITE_THREADSAFE=1 -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_COLUMN_METADATA -c sqlite-src/sqlite3.c -o sqlite3.o
"$triplet-ar" rcs "$prefix/lib/libsqlite3.a" sqlite3.o
cp sqlite-src/sqlite3.h sqlite-src/sqlite3ext.h "$prefix/include/"

step "SQLiteCpp $SQLITECPP"
tar xzf sqlitecpp_*.orig.tar.gz
cross_cmake SQLiteCpp-3.2.1 build-sqlitecpp -DSQLITECPP_INTERNAL_SQLITE=OFF \
  -DSQLITECPP_RUN_CPPLINT=OFF -DSQLITECPP_RUN_CPPCHECK=OFF -DSQLITECPP_BUILD_TESTS=OFF \
  -DSQLITECPP_BUILD_EXAMPLES=OFF

# Boost's headers do not depend on the platform: Debian's own are used, and only
# Boost.Filesystem's few source files are compiled (Boost.System is header-only since 1.69).
step "Boost.Filesystem $BOOST"
tar xJf boost1.74_*.orig.tar.xz --wildcards '*/libs/filesystem/src/*'
ln -sfn /usr/include/boost "$prefix/include/boost"
mkdir boost-obj
for source in boost/libs/filesystem/src/*.cpp; do
  "$cxx" -std=c++17 -O2 -I"$prefix/include" -DBOOST_FILESYSTEM_STATIC_LINK=1 -DNDEBUG \
    -c "$source" -o "boost-obj/$(basename "$source" .cpp).o"
done
"$triplet-ar" rcs "$prefix/lib/libboost_filesystem.a" boost-obj/*.o

step "GoogleTest (Debian's /usr/src/googletest)"
cross_cmake /usr/src/googletest build-googletest -DINSTALL_GTEST=ON

step "Debian's header-only libraries"
for header in nlohmann CLI dtl; do
  ln -sfn "/usr/include/$header" "$prefix/include/$header"
done
