#include "rules/rule_engine.h"
#include "rules/rule_list.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/rules/rule_test_support.h"

namespace mailmig {
namespace {

std::vector<Account> client_accounts() {
  return {test_accounts::thunderbird_imap_plain(), test_accounts::sylpheed_apop_pop_before_smtp(),
          test_accounts::outlook_pop_spa_smtp25(), test_accounts::becky_apop_keio(),
          test_accounts::outlook_express_dti(),    test_accounts::windows_live_mail_kumail(),
          test_accounts::claws_imap_starttls(),    test_accounts::thunderbird_news()};
}

std::vector<Policy> seed_policies() {
  return {builtin_default_policy(known_rules()),
          fixture_policy("000-iis-u-tokyo.xml"),
          fixture_policy("001-keio.xml"),
          fixture_policy("002-kyutech.xml"),
          fixture_policy("003-dti.xml"),
          fixture_policy("004-kumail.xml"),
          fixture_policy("004-kumail-clientconfig.xml")};
}

Policy with_rules(Policy policy, const std::vector<std::string_view>& enabled) {
  for (auto& [id, state] : policy.rule_states) {
    state = std::find(enabled.begin(), enabled.end(), id) != enabled.end();
  }
  return policy;
}

TEST(RuleEngine, SylpheedClubAccountUnderTheExamplePolicy) {
  const Account before = test_accounts::sylpheed_apop_pop_before_smtp();
  const EditPlan plan = plan_account(before, fixture_policy("002-kyutech.xml"));
  const std::string in_reason =
      "The server pop3.club.kyutech.ac.jp is replaced by mail.club.kyutech.ac.jp (policy move for "
      "pop3.club.kyutech.ac.jp)";
  const std::string out_reason =
      "The server smtp.club.kyutech.ac.jp is replaced by mail.club.kyutech.ac.jp (policy move for "
      "*.club.kyutech.ac.jp)";
  EXPECT_EQ(plan.changes,
            (std::vector<Change>{
                {"server-move", "incoming.hostname", "pop3.club.kyutech.ac.jp",
                 "mail.club.kyutech.ac.jp", in_reason},
                {"server-move", "incoming.port", "110", "995", in_reason},
                {"server-move", "incoming.socketType", "plain", "SSL", in_reason},
                {"server-move", "incoming.authentication", "apop", "password-cleartext", in_reason},
                {"server-move", "outgoing.hostname", "smtp.club.kyutech.ac.jp",
                 "mail.club.kyutech.ac.jp", out_reason},
                {"server-move", "outgoing.port", "25", "587", out_reason},
                {"server-move", "outgoing.socketType", "plain", "STARTTLS", out_reason},
                {"server-move", "outgoing.authentication", "smtp-after-pop", "password-cleartext",
                 out_reason},
                {"smtp-auth", "outgoing.username", "", "hanako",
                 "Sending through mail.club.kyutech.ac.jp logs in without a user name: the "
                 "receiving account's user name is used"},
            }));
  ASSERT_EQ(plan.findings.size(), 1u);
  EXPECT_EQ(plan.findings[0].rule, "server-move");
  EXPECT_EQ(plan.after, with_changes(before, plan.changes));
}

TEST(RuleEngine, BuiltinDefaultOnAnOutlookExpressAccount) {
  const Account before = test_accounts::outlook_express_dti();
  const EditPlan plan = plan_account(before, builtin_default_policy(known_rules()));
  const std::string submission =
      "Many networks block port 25 for sending (OP25B): smtp.tanaka.dti.ne.jp is reached on the "
      "submission port 587 with STARTTLS";
  const std::string auth =
      "smtp.tanaka.dti.ne.jp needs SMTP authentication with the receiving account's user name "
      "and password";
  const std::string tls =
      "Mail from pop.tanaka.dti.ne.jp travels unencrypted: it is read over SSL/TLS on port 995";
  EXPECT_EQ(plan.changes,
            (std::vector<Change>{
                {"incoming-tls", "incoming.port", "110", "995", tls},
                {"incoming-tls", "incoming.socketType", "plain", "SSL", tls},
                {"smtp-submission-port", "outgoing.port", "25", "587", submission},
                {"smtp-submission-port", "outgoing.socketType", "plain", "STARTTLS", submission},
                {"smtp-auth", "outgoing.authentication", "none", "password-cleartext", auth},
                {"smtp-auth", "outgoing.username", "", "tanaka", auth},
            }));
  EXPECT_TRUE(plan.findings.empty());
}

// A change the client cannot store is not planned: the user is told what to set by hand, in
// the client's wording, under the rule that asked for it.
TEST(RuleEngine, PlansOnlyWhatTheClientCanStore) {
  const Account before = test_accounts::outlook_express_dti();
  ClientCapabilities capabilities;
  capabilities.client_name = "Mailer";
  capabilities.smtp.socket_types = {SocketType::Plain, SocketType::Ssl};
  capabilities.smtp.connection_is_one_step = true;
  capabilities.wordings.outgoing_starttls = "{client}: set {mailbox} to STARTTLS on port {port}.";
  const EditPlan plan = plan_account(before, builtin_default_policy(known_rules()), capabilities);
  std::vector<std::string> fields;
  for (const Change& change : plan.changes) fields.push_back(change.rule + " " + change.field);
  // Port, STARTTLS and authentication are one step: none of them is planned.
  EXPECT_EQ(fields, (std::vector<std::string>{"incoming-tls incoming.port",
                                              "incoming-tls incoming.socketType",
                                              "smtp-auth outgoing.username"}));
  EXPECT_EQ(plan.after, with_changes(before, plan.changes));
  ASSERT_EQ(plan.findings.size(), 1u);
  EXPECT_EQ(plan.findings[0].rule, "smtp-submission-port");
  EXPECT_EQ(plan.findings[0].severity, Severity::ActionRequired);
  EXPECT_EQ(plan.findings[0].message(), "Mailer: set " + before.name + " to STARTTLS on port 587.");

  // Where the client stores each field on its own, only the socket type is left to the user.
  capabilities.smtp.connection_is_one_step = false;
  const EditPlan separate = plan_account(before, builtin_default_policy(known_rules()), capabilities);
  fields.clear();
  for (const Change& change : separate.changes) fields.push_back(change.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"incoming.port", "incoming.socketType",
                                              "outgoing.port", "outgoing.authentication",
                                              "outgoing.username"}));
  EXPECT_EQ(separate.after, with_changes(before, separate.changes));
}

// A client whose one TLS flag follows the port, and which has no NTLM for sending: each field it
// cannot store is told, and the port alone is stored.
TEST(RuleEngine, EachFieldTheClientCannotStoreIsTold) {
  const Account before = test_accounts::outlook_express_dti();
  ClientCapabilities capabilities;
  capabilities.smtp.tls_kind_follows_port = true;
  capabilities.smtp.authentication = {AuthMethod::None, AuthMethod::PasswordCleartext};
  const EditPlan plan =
      plan_of_changes(capabilities, before,
                      {{"tls", "outgoing.port", "25", "587", ""},
                       {"tls", "outgoing.socketType", "plain", "SSL", ""},
                       {"spa", "outgoing.authentication", "none", "NTLM", ""}});
  ASSERT_EQ(plan.findings.size(), 2u);
  EXPECT_EQ(plan.findings[0].rule, "tls");
  EXPECT_EQ(plan.findings[1].rule, "spa");
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].field, "outgoing.port");
  EXPECT_EQ(plan.after, with_changes(before, plan.changes));
}

TEST(RuleEngine, RulesRunInRegistryOrder) {
  std::vector<std::string_view> ids;
  for (const auto& rule : builtin_rules()) ids.push_back(rule->id());
  EXPECT_EQ(ids, (std::vector<std::string_view>{"server-move", "apop-to-tls", "incoming-tls",
                                                "smtp-submission-port", "spa-off", "smtp-tls",
                                                "smtp-auth", "pop-download-limit"}));
}

TEST(RuleEngine, SpaOffSeesTheStartTlsOfTheSubmissionPort) {
  // Outlook's SPA on SMTP port 25: smtp-submission-port brings STARTTLS first, so spa-off can
  // turn SPA off on both sides (seed 000) and no manual step is left.
  const Policy policy = with_rules(builtin_default_policy(known_rules()),
                                   {"incoming-tls", "spa-off", "smtp-submission-port"});
  const EditPlan plan = plan_account(test_accounts::outlook_pop_spa_smtp25(), policy);
  std::vector<std::string> fields;
  for (const Change& change : plan.changes) fields.push_back(change.rule + " " + change.field);
  EXPECT_EQ(fields,
            (std::vector<std::string>{
                "incoming-tls incoming.port", "incoming-tls incoming.socketType",
                "spa-off incoming.authentication", "smtp-submission-port outgoing.port",
                "smtp-submission-port outgoing.socketType", "spa-off outgoing.authentication"}));
  EXPECT_TRUE(plan.findings.empty());
  // Without smtp-submission-port the outgoing SPA stays on, with a manual step.
  const EditPlan without = plan_account(test_accounts::outlook_pop_spa_smtp25(),
                                           with_rules(policy, {"incoming-tls", "spa-off"}));
  ASSERT_EQ(without.findings.size(), 1u);
  EXPECT_EQ(without.findings[0].rule, "spa-off");
  EXPECT_EQ(without.findings[0].severity, Severity::ActionRequired);
  EXPECT_EQ(without.findings[0].values[0].second, "mail.iis.u-tokyo.ac.jp");
}

TEST(RuleEngine, MergedChangeKeepsTheOriginalValueAndTheLastRule) {
  Account before = test_accounts::outlook_express_dti();
  before.incoming.hostname = "pop.old.example.ac.jp";
  before.incoming.port = 10110;
  const auto loaded = parse_policy(
      "<policy xmlns='urn:mailmig:policy:1' name='n'><scope><host match='*.example.ac.jp'/>"
      "</scope><move match='pop.old.example.ac.jp'>"
      "<incomingServer><hostname>pop.new.example.ac.jp</hostname><port>110</port>"
      "</incomingServer></move></policy>",
      "", "n.xml", known_rules());
  ASSERT_TRUE(loaded) << loaded.error;
  const EditPlan plan =
      plan_account(before, with_rules(*loaded.policy, {"server-move", "incoming-tls"}));
  const std::string tls =
      "Mail from pop.new.example.ac.jp travels unencrypted: it is read over SSL/TLS on port 995";
  EXPECT_EQ(
      plan.changes,
      (std::vector<Change>{
          {"server-move", "incoming.hostname", "pop.old.example.ac.jp", "pop.new.example.ac.jp",
           "The server pop.old.example.ac.jp is replaced by pop.new.example.ac.jp (policy "
           "move for pop.old.example.ac.jp)"},
          {"incoming-tls", "incoming.port", "10110", "995", tls},
          {"incoming-tls", "incoming.socketType", "plain", "SSL", tls},
      }));
}

TEST(RuleEngine, FieldThatEndsWhereItStartedIsDropped) {
  // The move asks for plain 110; incoming-tls takes it back to SSL 995, where it started.
  const Account before = test_accounts::windows_live_mail_kumail();
  const auto loaded = parse_policy(
      "<policy xmlns='urn:mailmig:policy:1' name='n'><scope><host match='*.kyoto-u.ac.jp'/>"
      "</scope><move match='pop.kumail.kyoto-u.ac.jp'>"
      "<incomingServer><hostname>pop.kumail.kyoto-u.ac.jp</hostname><port>110</port>"
      "<socketType>plain</socketType></incomingServer></move></policy>",
      "", "n.xml", known_rules());
  ASSERT_TRUE(loaded) << loaded.error;
  const EditPlan plan = plan_account(before, *loaded.policy);
  EXPECT_TRUE(plan.changes.empty());
  EXPECT_EQ(plan.after, before);
}

TEST(RuleEngine, DisabledRulesDoNotRun) {
  const EditPlan plan = plan_account(test_accounts::outlook_express_dti(),
                                     with_rules(builtin_default_policy(known_rules()), {}));
  EXPECT_TRUE(plan.changes.empty());
  EXPECT_TRUE(plan.findings.empty());
}

TEST(RuleEngine, KumailMoveToGmailPopWarnsAboutTheDownloadLimit) {
  const EditPlan plan =
      plan_account(test_accounts::windows_live_mail_kumail(), fixture_policy("004-kumail.xml"));
  ASSERT_EQ(plan.findings.size(), 3u);
  EXPECT_EQ(plan.findings[2].rule, "pop-download-limit");
  EXPECT_EQ(plan.after.incoming.hostname, "pop.gmail.com");
  EXPECT_EQ(plan.after.outgoing->username, "hanako@st.kyoto-u.ac.jp");
}

class FakeRule final : public Rule {
 public:
  FakeRule(std::string id, std::function<RuleOutput(const Account&)> check)
      : id_(std::move(id)), check_(std::move(check)) {}
  std::string_view id() const override { return id_; }
  const char* description() const override { return "fake"; }
  RuleOutput check(const Account& account, const Policy&) const override { return check_(account); }

 private:
  std::string id_;
  std::function<RuleOutput(const Account&)> check_;
};

TEST(RuleEngine, EachRuleSeesTheChangesOfTheRulesBeforeIt) {
  const FakeRule first("first", [](const Account& account) {
    return RuleOutput{
        {{"first", "outgoing.port", std::to_string(account.outgoing->port), "2525", "first"}}, {}};
  });
  std::string seen_port;
  const FakeRule second("second", [&](const Account& account) {
    seen_port = std::to_string(account.outgoing->port);
    return RuleOutput{};
  });
  Policy policy = builtin_default_policy(known_rules());
  policy.rule_states = {{"first", true}, {"second", true}};
  const EditPlan plan =
      plan_account(test_accounts::outlook_express_dti(), policy, {&first, &second});
  EXPECT_EQ(seen_port, "2525");
  EXPECT_EQ(plan.changes, (std::vector<Change>{{"first", "outgoing.port", "25", "2525", "first"}}));
}

// Rules that keep undoing each other never settle: the account is left alone and the person is
// told, rather than planning a change that the next run would take back. The finding is the
// first rule's that changed the account in the last pass (the engine names no rule itself).
TEST(RuleEngine, RulesThatNeverSettleChangeNothing) {
  const FakeRule toggle("toggle", [](const Account& account) {
    const std::string from = std::to_string(account.outgoing->port);
    return RuleOutput{{{"toggle", "outgoing.port", from, from == "25" ? "2525" : "25", "toggle"}},
                      {}};
  });
  Policy policy = builtin_default_policy(known_rules());
  policy.rule_states = {{"toggle", true}};
  const Account before = test_accounts::outlook_express_dti();
  const EditPlan plan = plan_account(before, policy, {&toggle});
  EXPECT_TRUE(plan.changes.empty());
  EXPECT_EQ(plan.after, before);
  ASSERT_EQ(plan.findings.size(), 1u);
  EXPECT_EQ(plan.findings[0].rule, "toggle");
  EXPECT_EQ(plan.findings[0].severity, Severity::ActionRequired);
  EXPECT_EQ(plan.findings[0].values,
            (std::vector<std::pair<std::string, std::string>>{{"host", before.incoming.hostname}}));
}

TEST(RuleEngine, InvalidValueFromARuleIsSkippedAndReported) {
  const FakeRule broken("broken", [](const Account&) {
    return RuleOutput{{{"broken", "outgoing.port", "25", "port 587", "broken"},
                       {"broken", "outgoing.colour", "", "blue", "broken"}},
                      {}};
  });
  Policy policy = builtin_default_policy(known_rules());
  policy.rule_states = {{"broken", true}};
  const Account before = test_accounts::outlook_express_dti();
  const EditPlan plan = plan_account(before, policy, {&broken});
  EXPECT_TRUE(plan.changes.empty());
  EXPECT_EQ(plan.after, before);
  ASSERT_EQ(plan.findings.size(), 2u);
  EXPECT_EQ(plan.findings[0].severity, Severity::ActionRequired);
  EXPECT_EQ(plan.findings[0].message(),
            "Internal error: rule broken asked to set outgoing.port to the invalid value port "
            "587; the change was skipped");
}

Policy inline_policy(const std::string& moves) {
  const PolicyLoadResult loaded = parse_policy(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<policy xmlns=\"urn:mailmig:policy:1\" "
      "name=\"test\">\n" +
          moves + "<scope><host match=\"*.jp\"/></scope></policy>\n",
      ".", "test.xml", known_rules());
  EXPECT_TRUE(loaded) << loaded.error;
  return loaded ? *loaded.policy : Policy{};
}

Account apop_account(const std::string& host) {
  Account account{"1", "tanaka", "tanaka@iis.u-tokyo.ac.jp", {}, {}};
  account.incoming = {Protocol::Pop3, host, 110, SocketType::Plain, AuthMethod::Apop, "tanaka"};
  return account;
}

// Found by fuzz_policy: a move onto its own host that names a port without a socketType, which
// apop-to-tls takes to SSL on 995. The move fires again on the next pass and the plan settles on
// the policy's port with the rule's TLS, so the next run has nothing to do (it used to move the
// port back and forth at every run).
TEST(RuleEngine, AMoveOntoItsOwnHostSettlesOnThePolicysPortWithTls) {
  const Policy policy = inline_policy(
      "<move match=\"pop.iis.u-tokyo.ac.jp\"><incomingServer type=\"pop3\">"
      "<hostname>pop.iis.u-tokyo.ac.jp</hostname><port>497</port></incomingServer></move>\n");
  const EditPlan plan = plan_account(apop_account("pop.iis.u-tokyo.ac.jp"), policy);
  ASSERT_EQ(plan.changes.size(), 3u);
  EXPECT_EQ(plan.changes[0].rule, "server-move");
  EXPECT_EQ(plan.changes[0].field, "incoming.port");
  EXPECT_EQ(plan.changes[0].to, "497");
  EXPECT_EQ(plan.changes[1].rule, "apop-to-tls");
  EXPECT_EQ(plan.changes[1].field, "incoming.socketType");
  EXPECT_EQ(plan.changes[1].to, "SSL");
  EXPECT_EQ(plan.changes[2].rule, "apop-to-tls");
  EXPECT_EQ(plan.changes[2].field, "incoming.authentication");
  EXPECT_EQ(plan.changes[2].to, "password-cleartext");

  const EditPlan again = plan_account(plan.after, policy);
  EXPECT_TRUE(again.changes.empty());
  EXPECT_EQ(again.after, plan.after);
}

// A move onto its own host that asks for plain 110 fights incoming-tls within every pass; the
// pass still ends where it began, so the plan is TLS on 995 and planning again changes nothing.
TEST(RuleEngine, AMoveOntoItsOwnHostToPlainTextStillEndsOnTls) {
  const Policy policy = inline_policy(
      "<move match=\"pop.iis.u-tokyo.ac.jp\"><incomingServer type=\"pop3\">"
      "<hostname>pop.iis.u-tokyo.ac.jp</hostname><port>110</port>"
      "<socketType>plain</socketType></incomingServer></move>\n");
  const EditPlan plan = plan_account(apop_account("pop.iis.u-tokyo.ac.jp"), policy);
  EXPECT_EQ(plan.after.incoming.port, 995);
  EXPECT_EQ(plan.after.incoming.socket_type, SocketType::Ssl);
  EXPECT_EQ(plan.after.incoming.authentication, AuthMethod::PasswordCleartext);
  EXPECT_TRUE(plan_account(plan.after, policy).changes.empty());
}

// A move that names only the host leaves the connection to the built-in rules.
TEST(RuleEngine, AMoveNamingOnlyTheHostLeavesTheConnectionToTheRules) {
  const Policy policy = inline_policy(
      "<move match=\"pop.iis.u-tokyo.ac.jp\"><incomingServer type=\"pop3\">"
      "<hostname>pop2.iis.u-tokyo.ac.jp</hostname></incomingServer></move>\n");
  const EditPlan plan = plan_account(apop_account("pop.iis.u-tokyo.ac.jp"), policy);
  EXPECT_EQ(plan.after.incoming.hostname, "pop2.iis.u-tokyo.ac.jp");
  EXPECT_EQ(plan.after.incoming.port, 995);
  EXPECT_EQ(plan.after.incoming.socket_type, SocketType::Ssl);
  EXPECT_EQ(plan.after.incoming.authentication, AuthMethod::PasswordCleartext);
  EXPECT_TRUE(plan_account(plan.after, policy).changes.empty());
}

TEST(RuleEngine, PlanningAPlannedAccountChangesNothing) {
  for (const Policy& policy : seed_policies()) {
    for (const Account& account : client_accounts()) {
      const EditPlan plan = plan_account(account, policy);
      const EditPlan again = plan_account(plan.after, policy);
      EXPECT_TRUE(again.changes.empty()) << policy.name << " / " << account.id;
      EXPECT_EQ(again.after, plan.after) << policy.name << " / " << account.id;
    }
  }
}

// The password is never switched on, or moved to another login, over an unencrypted
// connection, whatever rules run: every combination of the built-in rules on every account.
TEST(RuleEngine, AuthenticationNeverChangesOnAPlainConnection) {
  std::vector<std::string_view> ids;
  for (const auto& rule : builtin_rules()) ids.push_back(rule->id());
  const std::size_t combinations = std::size_t{1} << ids.size();
  for (const Policy& policy : seed_policies()) {
    for (std::size_t mask = 0; mask < combinations; ++mask) {
      std::vector<std::string_view> enabled;
      for (std::size_t bit = 0; bit < ids.size(); ++bit) {
        if (mask & (std::size_t{1} << bit)) enabled.push_back(ids[bit]);
      }
      const Policy combination = with_rules(policy, enabled);
      for (const Account& account : client_accounts()) {
        const EditPlan plan = plan_account(account, combination);
        for (const Change& change : plan.changes) {
          if (!change.field.ends_with(".authentication")) continue;
          const Side side = change.field.starts_with("incoming.") ? Side::Incoming : Side::Outgoing;
          const auto socket = read_field(plan.after, {side, FieldKind::SocketType});
          EXPECT_NE(socket, "plain") << policy.name << " mask " << mask << " " << account.id << " "
                                     << change.field << " -> " << change.to;
        }
      }
    }
  }
}

// Seed 003, FAQ Q7: only DTI's accounts are affected, other providers' accounts are not.
TEST(RuleEngine, AnAccountOutsideThePolicysScopeIsNotGovernedAndLeftAlone) {
  Account other = test_accounts::outlook_express_dti();
  other.incoming.hostname = "pop.other-isp.example.jp";
  other.outgoing->hostname = "smtp.other-isp.example.jp";
  const EditPlan plan = plan_account(other, fixture_policy("003-dti.xml"));
  EXPECT_FALSE(plan.governed);
  EXPECT_TRUE(plan.changes.empty());
  EXPECT_TRUE(plan.findings.empty());
  EXPECT_EQ(plan.after, other);

  const EditPlan dti =
      plan_account(test_accounts::outlook_express_dti(), fixture_policy("003-dti.xml"));
  EXPECT_TRUE(dti.governed);
  EXPECT_EQ(dti.changes.size(), 4u);  // 587, STARTTLS, SMTP AUTH, the user name
}

TEST(RuleEngine, OnlyTheSidesInScopeChange) {
  // A club mailbox that sends through its ISP: the club's side moves, the ISP's stays.
  Account before = test_accounts::sylpheed_apop_pop_before_smtp();
  before.outgoing->hostname = "smtp.isp.example.ne.jp";
  const EditPlan plan = plan_account(before, fixture_policy("002-kyutech.xml"));
  EXPECT_TRUE(plan.governed);
  EXPECT_FALSE(plan.changes.empty());
  for (const Change& change : plan.changes) {
    EXPECT_TRUE(change.field.starts_with("incoming.")) << change.field;
  }
  EXPECT_EQ(plan.after.incoming.hostname, "mail.club.kyutech.ac.jp");
  EXPECT_EQ(plan.after.outgoing, before.outgoing);

  // The same under a clientConfig move, which moves a whole provider: not the ISP's server.
  Account kumail = test_accounts::windows_live_mail_kumail();
  kumail.outgoing->hostname = "smtp.isp.example.ne.jp";
  const EditPlan moved = plan_account(kumail, fixture_policy("004-kumail-clientconfig.xml"));
  EXPECT_EQ(moved.after.incoming.hostname, "pop.gmail.com");
  EXPECT_EQ(moved.after.outgoing, kumail.outgoing);
}

TEST(RuleEngine, AMovedAccountStaysGovernedAndSettled) {
  for (const char* seed : {"004-kumail.xml", "004-kumail-clientconfig.xml"}) {
    const Policy policy = fixture_policy(seed);
    const EditPlan first = plan_account(test_accounts::windows_live_mail_kumail(), policy);
    ASSERT_FALSE(first.changes.empty()) << seed;
    const EditPlan again = plan_account(first.after, policy);
    EXPECT_TRUE(again.governed) << seed;
    EXPECT_TRUE(again.changes.empty()) << seed;
  }
}

TEST(RuleEngine, TheBuiltinDefaultLeavesLocalNewsAndLocalMailboxAccountsAlone) {
  Account bridge = test_accounts::thunderbird_imap_plain();
  bridge.incoming.hostname = "127.0.0.1";
  bridge.outgoing->hostname = "localhost";
  Account news = test_accounts::thunderbird_news();
  news.outgoing = ServerSettings{Protocol::Smtp,    "smtp.example.ac.jp", 25,
                                 SocketType::Plain, AuthMethod::None,     ""};
  for (const Account& account : {bridge, news}) {
    const EditPlan plan = plan_account(account, builtin_default_policy(known_rules()));
    EXPECT_FALSE(plan.governed) << account.id;
    EXPECT_TRUE(plan.changes.empty()) << account.id;
  }
  // A mailbox on a local bridge that sends through the organisation: only the sending side.
  Account half = test_accounts::thunderbird_imap_plain();
  half.incoming.hostname = "127.0.0.1";
  const EditPlan plan = plan_account(half, builtin_default_policy(known_rules()));
  EXPECT_TRUE(plan.governed);
  EXPECT_EQ(plan.after.incoming, half.incoming);
  EXPECT_EQ(plan.after.outgoing->port, 587);
}

}  // namespace
}  // namespace mailmig
