# Cross-compiling mailmig for 64-bit Windows with Debian's MinGW-w64 (posix thread model: GCC 12's
# win32 model has no std::mutex). CTest runs each test .exe under Wine.
# MAILMIG_WINDOWS_DEPS: the folder the pinned dependencies were built into (scripts/windows-deps.sh).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(MAILMIG_MINGW_TRIPLET x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${MAILMIG_MINGW_TRIPLET}-gcc-posix)
set(CMAKE_CXX_COMPILER ${MAILMIG_MINGW_TRIPLET}-g++-posix)
set(CMAKE_RC_COMPILER ${MAILMIG_MINGW_TRIPLET}-windres)

set(MAILMIG_WINDOWS_DEPS "$ENV{MAILMIG_WINDOWS_DEPS}" CACHE PATH
    "Prefix of the Windows dependencies built by scripts/windows-deps.sh")
set(CMAKE_FIND_ROOT_PATH /usr/${MAILMIG_MINGW_TRIPLET} ${MAILMIG_WINDOWS_DEPS})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# One .exe with no DLL beside it: the C++ runtime and winpthreads linked in.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

# WINEPREFIX and a running wineserver come from the caller (build.sh windows).
set(CMAKE_CROSSCOMPILING_EMULATOR wine)
