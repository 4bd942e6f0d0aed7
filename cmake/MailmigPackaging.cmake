# Install rules for everything beside the executable (man page, bash completion, examples) and
# the CPack settings for the Debian package: `cpack -G DEB` in the build folder makes
# mailmig_<version>_<arch>.deb. Included from the top-level CMakeLists.txt after the targets.
#
# The package's Depends are computed by dpkg-shlibdeps (package dpkg-dev), which reads the
# libraries the executable links to; cpack fails without it.
include(GNUInstallDirs)

set(MAILMIG_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging)
set(MAILMIG_EXAMPLES_DIR ${CMAKE_INSTALL_DOCDIR}/examples)

# Debian wants man pages gzip'd; -n keeps the timestamp out so the package is reproducible.
find_program(MAILMIG_GZIP gzip)
if(MAILMIG_GZIP)
  set(man_page ${CMAKE_CURRENT_BINARY_DIR}/mailmig.1.gz)
  add_custom_command(OUTPUT ${man_page}
    COMMAND ${MAILMIG_GZIP} -9 -n -c ${MAILMIG_PACKAGING_DIR}/mailmig.1 > ${man_page}
    DEPENDS ${MAILMIG_PACKAGING_DIR}/mailmig.1
    COMMENT "Compressing the man page")
  add_custom_target(mailmig_man_page ALL DEPENDS ${man_page})
else()
  set(man_page ${MAILMIG_PACKAGING_DIR}/mailmig.1)
endif()
install(FILES ${man_page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

install(FILES ${MAILMIG_PACKAGING_DIR}/bash-completion/mailmig
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

# The example policies are the test fixtures, so every example is known to load; the invalid/
# folder holds the policies that must fail and is left out.
file(GLOB MAILMIG_EXAMPLE_POLICIES ${PROJECT_SOURCE_DIR}/fixtures/policies/*.xml)
install(FILES ${MAILMIG_EXAMPLE_POLICIES} DESTINATION ${MAILMIG_EXAMPLES_DIR}/policies)

install(FILES
  ${MAILMIG_PACKAGING_DIR}/login-scripts/README.md
  ${MAILMIG_PACKAGING_DIR}/login-scripts/mailmig-login.sh
  ${MAILMIG_PACKAGING_DIR}/login-scripts/mailmig.desktop
  ${MAILMIG_PACKAGING_DIR}/login-scripts/mailmig-logon.cmd
  ${MAILMIG_PACKAGING_DIR}/login-scripts/mailmig-logon.ps1
  DESTINATION ${MAILMIG_EXAMPLES_DIR}/login-scripts)

# The playbook includes tasks/plan-windows.yml by relative path: keep the tree.
install(DIRECTORY ${MAILMIG_PACKAGING_DIR}/ansible/ DESTINATION ${MAILMIG_EXAMPLES_DIR}/ansible
        FILES_MATCHING PATTERN "*.yml" PATTERN "*.md" PATTERN "*.ini")

# --- CPack: the Debian package ----------------------------------------------------------------
set(MAILMIG_PACKAGE_MAINTAINER "mailmig maintainers <mailmig@example.org>"
    CACHE STRING "Maintainer field of the Debian package (Name <address>)")

set(CPACK_PACKAGE_NAME mailmig)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${MAILMIG_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "migrate mail settings inside existing mail client profiles")
# Lines under 80 columns: CPack indents each for the control file but does not wrap.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "mailmig edits the accounts in Thunderbird, Sylpheed, Claws Mail, Becky!,\n"
  "Windows Live Mail and Outlook registry exports when an organisation moves its\n"
  "mail servers or retires POP-before-SMTP, port 25 and plaintext logins. It\n"
  "changes only the bytes of the values it changes, keeps backups and a journal\n"
  "for rollback, and skips profiles whose client is running. Includes login\n"
  "scripts for Linux and Windows and an Ansible playbook for a fleet census.")
# A DEB installs under /usr whatever CMAKE_INSTALL_PREFIX the build used; the executable finds
# its message catalogues relative to itself (../share/locale), so that is safe.
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS bash-completion)
# RelWithDebInfo carries debug info; the package does not need it.
set(CPACK_STRIP_FILES ON)
include(CPack)
