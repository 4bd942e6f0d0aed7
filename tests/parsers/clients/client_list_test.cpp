// Every client on the list has what a client needs: a way to be found (in a home or as a PATH),
// a loader, a running check, a fixture that loads and writes back unchanged, and a fuzz target.
// A client mailmig never edits needs only to be found and its manual steps.
#include "parsers/clients/client_list.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "src/app/discovery.h"
#include "tests/io/io_test_support.h"

namespace mailmig {
namespace {

#ifdef _WIN32
// Under Wine the Linux path CMake gives is on drive Z:, which Wine maps to the Linux root.
const std::string kSourceDir = "Z:" MAILMIG_SOURCE_DIR;
#else
const std::string kSourceDir = MAILMIG_SOURCE_DIR;
#endif

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

TEST(ClientList, TheIdsOfJsonAndReportsStayAsTheyAre) {
  std::vector<std::string> ids;
  for (const ClientDescriptor* client : all_clients()) ids.emplace_back(client_id(client->kind));
  EXPECT_EQ(ids, (std::vector<std::string>{"thunderbird", "outlook", "outlook-express", "sylpheed",
                                           "claws-mail", "becky", "windows-mail", "new-outlook",
                                           "shuriken"}));
}

TEST(ClientList, EachClientIsListedOnceWithANameAndItsDescriptorIsFoundByItsKind) {
  std::set<std::string> ids;
  for (const ClientDescriptor* client : all_clients()) {
    EXPECT_TRUE(ids.insert(std::string(client_id(client->kind))).second) << client_id(client->kind);
    EXPECT_FALSE(client_display_name(client->kind).empty());
    EXPECT_EQ(find_client(client->kind), client);
  }
}

TEST(ClientList, EveryClientCanBeFound) {
  for (const ClientDescriptor* client : all_clients()) {
    EXPECT_TRUE(client->find_in_home || client->recognise) << client_id(client->kind);
    if (!client->editable()) continue;
    // A client mailmig edits can be named on the command line, and said so when a PATH is none.
    EXPECT_TRUE(client->recognise) << client_id(client->kind);
    EXPECT_TRUE(client->file_hint) << client_id(client->kind);
  }
}

// A client mailmig never edits is never waited for, so it needs no running check.
TEST(ClientList, EveryEditedClientIsCheckedForRunningAndAFreshFolderIsNotInUse) {
  testing::TempFolder folder;
  for (const ClientDescriptor* client : all_clients()) {
    if (!client->editable()) continue;
    EXPECT_TRUE(client->find_running) << client_id(client->kind);
    const RunningClientCheck check = check_client_running(client->kind, folder.path());
    EXPECT_FALSE(check.running) << client_id(client->kind) << ": " << check.evidence;
    EXPECT_EQ(check.client, client_display_name(client->kind));
  }
}

TEST(ClientList, EveryUneditedClientSaysWhatToDoByHand) {
  for (const ClientDescriptor* client : all_clients()) {
    if (client->editable()) continue;
    EXPECT_NE(std::string(client->manual_steps).find("{path}"), std::string::npos)
        << client_id(client->kind);
    EXPECT_FALSE(client->load || client->fixture || client->fuzz_target) << client_id(client->kind);
  }
}

// The fixture is found as a PATH, is taken for this client once read, and is read losslessly.
TEST(ClientList, EveryEditedClientHasAFixtureThatRoundTrips) {
  for (const ClientDescriptor* client : all_clients()) {
    if (!client->editable()) continue;
    const std::string id(client_id(client->kind));
    ASSERT_TRUE(client->fixture) << id;
    const ClassifyResult found = classify_path(kSourceDir + "/" + client->fixture);
    ASSERT_EQ(found.locations.size(), 1u) << id << ": " << found.error;
    ASSERT_TRUE(client->load) << id;
    const LoadResult loaded = load_profile(found.locations.front());
    ASSERT_TRUE(loaded) << id << ": " << loaded.error;
    EXPECT_EQ(client_id(loaded.profile->client()), id);
    ASSERT_FALSE(loaded.profile->files().empty()) << id;
    for (const ProfileFile& file : loaded.profile->files()) {
      EXPECT_FALSE(file.changed()) << id << ": " << file.path;
      EXPECT_EQ(file.current(), slurp(file.path)) << id << ": " << file.path;
    }
  }
}

// What `account` can store is within what `client` can: a profile only narrows its client's
// capabilities for one account.
bool narrows(const ServerCapabilities& account, const ServerCapabilities& client) {
  for (const SocketType type : {SocketType::Plain, SocketType::StartTls, SocketType::Ssl}) {
    if (account.stores(type) && !client.stores(type)) return false;
  }
  for (const AuthMethod method :
       {AuthMethod::None, AuthMethod::PasswordCleartext, AuthMethod::PasswordEncrypted,
        AuthMethod::Apop, AuthMethod::Ntlm, AuthMethod::Gssapi, AuthMethod::OAuth2,
        AuthMethod::TlsClientCert, AuthMethod::SmtpAfterPop, AuthMethod::Any}) {
    if (account.stores(method) && !client.stores(method)) return false;
  }
  return true;
}

// The descriptor says what the client keeps its accounts in and what it can store; every
// account of its fixture can store no more than that.
TEST(ClientList, EveryEditedClientDeclaresItsFormatsAndCapabilities) {
  for (const ClientDescriptor* client : all_clients()) {
    if (!client->editable()) continue;
    const std::string id(client_id(client->kind));
    ASSERT_TRUE(client->formats) << id;
    EXPECT_STRNE(client->formats, "") << id;
    ASSERT_TRUE(client->capabilities) << id;
    const ClientCapabilities declared = client->capabilities();
    EXPECT_EQ(declared.client_name, client_display_name(client->kind)) << id;
    const ClassifyResult found = classify_path(kSourceDir + "/" + client->fixture);
    ASSERT_EQ(found.locations.size(), 1u) << id << ": " << found.error;
    const LoadResult loaded = load_profile(found.locations.front());
    ASSERT_TRUE(loaded) << id << ": " << loaded.error;
    if (loaded.profile->client() != client->kind) continue;  // an export is one client's
    const std::vector<Account> accounts = loaded.profile->accounts();
    EXPECT_FALSE(accounts.empty()) << id;
    for (const Account& account : accounts) {
      const ClientCapabilities own = loaded.profile->capabilities(account);
      EXPECT_EQ(own.client_name, declared.client_name) << id << ": " << account.id;
      for (const Protocol protocol : {Protocol::Pop3, Protocol::Imap, Protocol::Nntp}) {
        EXPECT_TRUE(narrows(own.incoming(protocol), declared.incoming(protocol)))
            << id << ": " << account.id;
      }
      EXPECT_TRUE(narrows(own.smtp, declared.smtp)) << id << ": " << account.id;
      EXPECT_FALSE(own.switches_protocol_in_place && !declared.switches_protocol_in_place) << id;
      EXPECT_FALSE(own.stores_outgoing_username && !declared.stores_outgoing_username) << id;
      EXPECT_FALSE(own.adds_outgoing_server && !declared.adds_outgoing_server) << id;
      EXPECT_FALSE(own.renames_incoming_server && !declared.renames_incoming_server) << id;
    }
  }
}

TEST(ClientList, EveryEditedClientHasAFuzzTargetThatIsBuilt) {
  const std::string fuzz_list = slurp(kSourceDir + "/fuzz/CMakeLists.txt");
  for (const ClientDescriptor* client : all_clients()) {
    if (!client->editable()) continue;
    const std::string id(client_id(client->kind));
    ASSERT_TRUE(client->fuzz_target) << id;
    const std::string target(client->fuzz_target);
    EXPECT_TRUE(testing::path_exists(kSourceDir + "/" + target)) << id << ": " << target;
    const std::string source = target.substr(target.rfind('/') + 1);
    EXPECT_NE(fuzz_list.find("SOURCE " + source), std::string::npos)
        << id << ": fuzz/CMakeLists.txt does not build " << source;
  }
}

}  // namespace
}  // namespace mailmig
