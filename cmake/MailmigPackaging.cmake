# Install rules for everything beside the executable (man page, bash completion, examples) and
# the CPack settings for the Debian package: `cpack -G DEB` in the build folder makes
# mailmig_<version>_<arch>.deb. Included from the top-level CMakeLists.txt after the targets.
#
# The package's Depends are computed by dpkg-shlibdeps (package dpkg-dev), which reads the
# libraries the executable links to; cpack fails without it.
include(GNUInstallDirs)

set(MAILMIG_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging)
set(MAILMIG_EXAMPLES_DIR ${CMAKE_INSTALL_DOCDIR}/examples)

# Debian wants man pages and changelogs gzip'd; -n keeps the timestamp out so the package is
# reproducible. The changelog is Debian's (packaging/changelog): a native package's is
# changelog.gz.
find_program(MAILMIG_GZIP gzip)
if(MAILMIG_GZIP)
  # mailmig_gzip(NAME): packaging/NAME -> <build>/NAME.gz
  function(mailmig_gzip name)
    add_custom_command(OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/${name}.gz
      COMMAND ${MAILMIG_GZIP} -9 -n -c ${MAILMIG_PACKAGING_DIR}/${name}
              > ${CMAKE_CURRENT_BINARY_DIR}/${name}.gz
      DEPENDS ${MAILMIG_PACKAGING_DIR}/${name}
      COMMENT "Compressing packaging/${name}")
  endfunction()
  mailmig_gzip(mailmig.1)
  mailmig_gzip(changelog)
  set(man_page ${CMAKE_CURRENT_BINARY_DIR}/mailmig.1.gz)
  set(changelog ${CMAKE_CURRENT_BINARY_DIR}/changelog.gz)
  add_custom_target(mailmig_man_page ALL DEPENDS ${man_page} ${changelog})
else()
  set(man_page ${MAILMIG_PACKAGING_DIR}/mailmig.1)
  set(changelog ${MAILMIG_PACKAGING_DIR}/changelog)
endif()
install(FILES ${man_page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${changelog} ${MAILMIG_PACKAGING_DIR}/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The system's policy, where mailmig looks when no --policy is given and none sits beside the
# executable (src/cli/policy_search.cpp). Always /etc, whatever the prefix: that is the path
# mailmig reads. A conffile in the package (CPack below), so an administrator's edits survive.
set(MAILMIG_SYSTEM_POLICY_DIR /etc/mailmig)
install(FILES ${MAILMIG_PACKAGING_DIR}/policy.xml DESTINATION ${MAILMIG_SYSTEM_POLICY_DIR})

# The login script where mailmig.desktop runs it; a copy stays with the examples.
install(PROGRAMS ${MAILMIG_PACKAGING_DIR}/login-scripts/mailmig-login.sh
        DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/mailmig)

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
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/debian/conffiles "${MAILMIG_SYSTEM_POLICY_DIR}/policy.xml\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_BINARY_DIR}/debian/conffiles)
# RelWithDebInfo carries debug info; the package does not need it.
set(CPACK_STRIP_FILES ON)
include(CPack)
