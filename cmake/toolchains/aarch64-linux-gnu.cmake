# Cross-compiling Outpost for 64-bit ARM on a Debian 12 (amd64) host with Debian multiarch.
#
#   scripts/install-deps --aarch64        # g++-aarch64-linux-gnu, qemu-user, <lib>-dev:arm64
#   cmake --preset aarch64 && cmake --build --preset aarch64
#
# Libraries come from the arm64 -dev packages installed beside the amd64 ones
# (/usr/lib/aarch64-linux-gnu, /usr/include/aarch64-linux-gnu); the "sysroot" is / itself.
# See docs/dependencies.md (multiarch notes) and docs/install.md ("Building for aarch64").

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(OUTPOST_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${OUTPOST_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${OUTPOST_CROSS_TRIPLE}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${OUTPOST_CROSS_TRIPLE})

# Search: programs on the host; libraries, headers and CMake packages first under the
# cross toolchain's own root (/usr/aarch64-linux-gnu: libc, libstdc++), then in the normal
# prefixes, where CMAKE_LIBRARY_ARCHITECTURE selects lib/aarch64-linux-gnu.
set(CMAKE_FIND_ROOT_PATH /usr/${OUTPOST_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# Never pick up the build machine's own libraries or CMake package files: CMAKE_IGNORE_PATH
# is not recursive, so list the host's multiarch library dirs and each package dir in them.
if(CMAKE_HOST_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(_outpost_host_multiarch x86_64-linux-gnu)
elseif(CMAKE_HOST_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  set(_outpost_host_multiarch "") # native arm64 host: nothing foreign to hide
else()
  set(_outpost_host_multiarch ${CMAKE_HOST_SYSTEM_PROCESSOR}-linux-gnu)
endif()
if(_outpost_host_multiarch)
  foreach(_dir /usr/lib/${_outpost_host_multiarch} /lib/${_outpost_host_multiarch}
               /usr/include/${_outpost_host_multiarch})
    list(APPEND CMAKE_IGNORE_PATH ${_dir})
  endforeach()
  file(GLOB _outpost_host_pkg_dirs LIST_DIRECTORIES true
       /usr/lib/${_outpost_host_multiarch}/cmake/*)
  list(APPEND CMAKE_IGNORE_PATH ${_outpost_host_pkg_dirs})
  list(REMOVE_DUPLICATES CMAKE_IGNORE_PATH)
endif()

# Poco: be explicit, so find_package(Poco ...) takes the arm64 config files
# (/usr/lib/aarch64-linux-gnu/cmake/Poco); its components are found next to it.
if(NOT DEFINED Poco_DIR AND EXISTS /usr/lib/${OUTPOST_CROSS_TRIPLE}/cmake/Poco/PocoConfig.cmake)
  set(Poco_DIR /usr/lib/${OUTPOST_CROSS_TRIPLE}/cmake/Poco CACHE PATH "Poco CMake package (arm64)")
endif()

# pkg-config (lua5.4, libmosquitto): only the arm64 .pc files plus arch-independent ones.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${OUTPOST_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
unset(ENV{PKG_CONFIG_SYSROOT_DIR})

# Run cross-built programs (ctest, gtest_discover_tests, add_custom_command) under qemu.
# qemu-user (Debian package) provides qemu-aarch64; -L gives it the loader and libc of the
# cross toolchain, and the arm64 multiarch libraries resolve from /usr/lib/aarch64-linux-gnu.
if(NOT CMAKE_CROSSCOMPILING_EMULATOR)
  find_program(OUTPOST_QEMU_AARCH64 NAMES qemu-aarch64 qemu-aarch64-static)
  if(OUTPOST_QEMU_AARCH64)
    set(CMAKE_CROSSCOMPILING_EMULATOR ${OUTPOST_QEMU_AARCH64} -L /usr/${OUTPOST_CROSS_TRIPLE})
  endif()
endif()
