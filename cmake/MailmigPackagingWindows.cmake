# The Windows zip: `cpack -G ZIP` in the Windows build folder (./build.sh windows runs it) makes
# mailmig-<version>-windows-x64.zip with one folder an IT person copies as it is (to NETLOGON or
# a share): mailmig.exe (stripped), locale\ja\LC_MESSAGES\mailmig.mo beside it, the sample policy
# under the name mailmig.exe and the logon script look for, the logon script and a README.
# The catalogue's install rule is po/CMakeLists.txt's. Included from the top-level CMakeLists.txt.
set(MAILMIG_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging)

install(FILES ${MAILMIG_PACKAGING_DIR}/policy.xml DESTINATION . RENAME mailmig-policy.xml)
install(FILES ${MAILMIG_PACKAGING_DIR}/login-scripts/mailmig-logon.cmd
              ${MAILMIG_PACKAGING_DIR}/windows/README-windows.txt
        DESTINATION .)

set(CPACK_GENERATOR ZIP)
set(CPACK_PACKAGE_NAME mailmig)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_FILE_NAME mailmig-${PROJECT_VERSION}-windows-x64)
# CMake finds the MinGW strip from the compiler's name (CMAKE_STRIP); a PE file needs it.
set(CPACK_STRIP_FILES ON)
include(CPack)
