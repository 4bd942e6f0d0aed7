#include "src/policy/policy.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "rules/rule_list.h"
#include "src/io/read_file.h"
#include "src/util/digest.h"
#include "tests/rules/rule_test_support.h"

namespace mailmig {
namespace {

const std::string kPolicies = std::string(MAILMIG_SOURCE_DIR) + "/fixtures/policies/";
const std::string kInvalid = kPolicies + "invalid/";

ServerTarget target(std::optional<Protocol> protocol, std::string hostname, std::optional<int> port,
                    std::optional<SocketType> socket_type, std::optional<AuthMethod> auth,
                    std::optional<std::string> username, std::size_t line) {
  return ServerTarget{protocol, std::move(hostname), port, socket_type,
                      auth,     std::move(username), line};
}

PolicyLoadResult parse_text(std::string_view text, const std::string& base_dir = "") {
  return parse_policy(text, base_dir, "policy.xml", known_rules());
}

TEST(Policy, ParsesTheExamplePolicy) {
  const std::string path = kPolicies + "002-kyutech.xml";
  const PolicyLoadResult loaded = load_policy_file(path, known_rules());
  ASSERT_TRUE(loaded) << loaded.error;
  const Policy& policy = *loaded.policy;
  EXPECT_EQ(policy.name, "Example University 2026");
  EXPECT_EQ(policy.path, path);
  EXPECT_EQ(policy.hash, sha256_hex(read_file(path).bytes));
  ASSERT_EQ(policy.moves.size(), 2u);

  const Move& pop_move = policy.moves[0];
  EXPECT_EQ(pop_move.match, "pop3.club.kyutech.ac.jp");
  EXPECT_EQ(pop_move.line, 9u);
  EXPECT_EQ(pop_move.client_config, "");
  EXPECT_EQ(pop_move.incoming, (std::vector<ServerTarget>{target(
                                   Protocol::Pop3, "mail.club.kyutech.ac.jp", 995, SocketType::Ssl,
                                   AuthMethod::PasswordCleartext, std::nullopt, 10)}));
  EXPECT_TRUE(pop_move.outgoing.empty());

  const Move& smtp_move = policy.moves[1];
  EXPECT_EQ(smtp_move.match, "*.club.kyutech.ac.jp");
  EXPECT_EQ(smtp_move.line, 15u);
  EXPECT_TRUE(smtp_move.incoming.empty());
  EXPECT_EQ(smtp_move.outgoing,
            (std::vector<ServerTarget>{target(Protocol::Smtp, "mail.club.kyutech.ac.jp", 587,
                                              SocketType::StartTls, AuthMethod::PasswordCleartext,
                                              std::nullopt, 16)}));
}

TEST(Policy, RuleStatesFollowDefaultsUnlessTheFileSetsThem) {
  const Policy kyutech = fixture_policy("002-kyutech.xml");
  EXPECT_TRUE(kyutech.rule_enabled("spa-off"));  // off by default, on here
  EXPECT_TRUE(kyutech.rule_enabled("smtp-auth"));
  const Policy keio = fixture_policy("001-keio.xml");
  EXPECT_FALSE(keio.rule_enabled("smtp-auth"));
  EXPECT_FALSE(keio.rule_enabled("spa-off"));
  EXPECT_TRUE(keio.rule_enabled("server-move"));
  EXPECT_FALSE(keio.rule_enabled("no-such-rule"));
}

TEST(Policy, BuiltinDefaultRunsEveryRuleButSpaOff) {
  const Policy policy = builtin_default_policy(known_rules());
  EXPECT_EQ(policy.name, "built-in default");
  EXPECT_EQ(policy.path, "");
  EXPECT_EQ(policy.hash, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_TRUE(policy.moves.empty());
  ASSERT_EQ(policy.rule_states.size(), builtin_rules().size());
  for (const auto& rule : builtin_rules()) {
    EXPECT_EQ(policy.rule_enabled(rule->id()), rule->id() != "spa-off") << rule->id();
  }
}

TEST(Policy, HostMatchingIgnoresCaseAndWildcardsCoverSubHostsOnly) {
  EXPECT_TRUE(host_matches("pop.kumail.kyoto-u.ac.jp", "POP.KUMail.Kyoto-U.ac.jp"));
  EXPECT_FALSE(host_matches("pop.kumail.kyoto-u.ac.jp", "pop.kumail.kyoto-u.ac.jp.evil.jp"));
  EXPECT_TRUE(host_matches("*.club.kyutech.ac.jp", "smtp.club.kyutech.ac.jp"));
  EXPECT_TRUE(host_matches("*.club.kyutech.ac.jp", "a.b.CLUB.kyutech.ac.jp"));
  EXPECT_FALSE(host_matches("*.club.kyutech.ac.jp", "club.kyutech.ac.jp"));
  EXPECT_FALSE(host_matches("*.club.kyutech.ac.jp", "myclub.kyutech.ac.jp"));
  EXPECT_FALSE(host_matches("*.club.kyutech.ac.jp", ""));
}

TEST(Policy, MatchIsLowerCasedAndTrimmed) {
  const auto loaded = parse_text(
      "<policy xmlns='urn:mailmig:policy:1' name='n'><scope><host match='*.kyutech.ac.jp'/>"
      "</scope><move match=' *.Club.Kyutech.AC.JP '>"
      "<outgoingServer><hostname>Mail.Club.Kyutech.ac.jp</hostname></outgoingServer>"
      "</move></policy>");
  ASSERT_TRUE(loaded) << loaded.error;
  EXPECT_EQ(loaded.policy->moves[0].match, "*.club.kyutech.ac.jp");
  EXPECT_EQ(loaded.policy->moves[0].outgoing[0].hostname, "mail.club.kyutech.ac.jp");
  EXPECT_EQ(loaded.policy->moves[0].outgoing[0].protocol, std::nullopt);
}

TEST(Policy, FindMoveMatchesEachSideByItsOwnHost) {
  const Policy policy = fixture_policy("002-kyutech.xml");
  const Account account = test_accounts::sylpheed_apop_pop_before_smtp();
  const auto incoming = policy.find_move(account, Side::Incoming);
  ASSERT_TRUE(incoming);
  EXPECT_EQ(incoming->move, &policy.moves[0]);
  EXPECT_EQ(incoming->server, &policy.moves[0].incoming[0]);
  EXPECT_EQ(incoming->matched_host, "pop3.club.kyutech.ac.jp");
  const auto outgoing = policy.find_move(account, Side::Outgoing);
  ASSERT_TRUE(outgoing);
  EXPECT_EQ(outgoing->move, &policy.moves[1]);
  EXPECT_EQ(outgoing->matched_host, "smtp.club.kyutech.ac.jp");
}

TEST(Policy, InlineMoveNeverMovesTheOtherSidesHost) {
  // A club account that sends through its ISP keeps the ISP: the wildcard matches only the
  // incoming host, and an inline move moves only hosts it matches.
  const Policy policy = fixture_policy("002-kyutech.xml");
  Account account = test_accounts::sylpheed_apop_pop_before_smtp();
  account.outgoing->hostname = "smtp.isp.example.ne.jp";
  EXPECT_FALSE(policy.find_move(account, Side::Outgoing));
  account.outgoing.reset();
  EXPECT_FALSE(policy.find_move(account, Side::Outgoing));
  account.incoming.hostname = "pop.isp.example.ne.jp";
  EXPECT_FALSE(policy.find_move(account, Side::Incoming));
}

TEST(Policy, ClientConfigTargetReadsEveryUsableServer) {
  const Policy policy = fixture_policy("004-kumail-clientconfig.xml");
  ASSERT_EQ(policy.moves.size(), 1u);
  const Move& move = policy.moves[0];
  EXPECT_EQ(move.client_config, "gmail-config-v1.1.xml");
  EXPECT_EQ(move.incoming, (std::vector<ServerTarget>{
                               target(Protocol::Imap, "imap.gmail.com", 993, SocketType::Ssl,
                                      AuthMethod::PasswordCleartext, "%EMAILADDRESS%", 8),
                               target(Protocol::Pop3, "pop.gmail.com", 995, SocketType::Ssl,
                                      AuthMethod::PasswordCleartext, "%EMAILADDRESS%", 16)}));
  EXPECT_EQ(
      move.outgoing,
      (std::vector<ServerTarget>{target(Protocol::Smtp, "smtp.gmail.com", 587, SocketType::StartTls,
                                        AuthMethod::PasswordCleartext, "%EMAILADDRESS%", 26)}));
}

TEST(Policy, ClientConfigMoveTakesTheAccountsProtocolAndTheWholeProvider) {
  const Policy policy = fixture_policy("004-kumail-clientconfig.xml");
  Account account = test_accounts::windows_live_mail_kumail();
  const auto incoming = policy.find_move(account, Side::Incoming);
  ASSERT_TRUE(incoming);
  EXPECT_EQ(incoming->server->hostname, "pop.gmail.com");
  // The old SMTP host is not named by the match: the clientConfig moves the whole account.
  const auto outgoing = policy.find_move(account, Side::Outgoing);
  ASSERT_TRUE(outgoing);
  EXPECT_EQ(outgoing->server->hostname, "smtp.gmail.com");
  EXPECT_EQ(outgoing->matched_host, "pop.kumail.kyoto-u.ac.jp");

  account.incoming.protocol = Protocol::Imap;
  EXPECT_EQ(policy.find_move(account, Side::Incoming)->server->hostname, "imap.gmail.com");
  // No server of the account's own protocol: the first one.
  account.incoming.protocol = Protocol::Nntp;
  EXPECT_EQ(policy.find_move(account, Side::Incoming)->server->hostname, "imap.gmail.com");
}

TEST(Policy, ClientConfigTakesTheFirstValueMailmigKnows) {
  const std::string dir = testing::TempDir();
  std::ofstream(dir + "/odd-config-v1.1.xml")
      << "<clientConfig version='1.1'><emailProvider id='example.ac.jp'>\n"
         "<incomingServer type='exchange'><hostname>ews.example.ac.jp</hostname>"
         "</incomingServer>\n"
         "<incomingServer type='pop3'><hostname>pop.example.ac.jp</hostname>"
         "<socketType>TLS-1.3</socketType><socketType>STARTTLS</socketType>"
         "<authentication>password-hashed</authentication><authentication>plain</authentication>"
         "<pop3><leaveMessagesOnServer>true</leaveMessagesOnServer></pop3></incomingServer>\n"
         "<outgoingServer type='smtp'><hostname>smtp.example.ac.jp</hostname><port>465</port>"
         "<socketType>SSL</socketType><authentication>client-IP-address</authentication>"
         "</outgoingServer>\n"
         "<outgoingServer type='smtp'><hostname>smtp2.example.ac.jp</hostname></outgoingServer>"
         "</emailProvider></clientConfig>\n";
  const auto loaded = parse_text(
      "<policy xmlns='urn:mailmig:policy:1' name='n'>\n"
      "<move match='pop.old.ac.jp' clientConfig='odd-config-v1.1.xml'/>"
      "<scope><host match='*.ac.jp'/></scope></policy>",
      dir);
  ASSERT_TRUE(loaded) << loaded.error;
  const Move& move = loaded.policy->moves[0];
  EXPECT_EQ(move.incoming,
            (std::vector<ServerTarget>{target(Protocol::Pop3, "pop.example.ac.jp", std::nullopt,
                                              SocketType::StartTls, AuthMethod::PasswordCleartext,
                                              std::nullopt, 3)}));
  EXPECT_EQ(move.outgoing,
            (std::vector<ServerTarget>{target(Protocol::Smtp, "smtp.example.ac.jp", 465,
                                              SocketType::Ssl, AuthMethod::None, std::nullopt, 4),
                                       target(Protocol::Smtp, "smtp2.example.ac.jp", std::nullopt,
                                              std::nullopt, std::nullopt, std::nullopt, 5)}));
}

TEST(Policy, ExpandsUsernamePlaceholders) {
  EXPECT_EQ(expand_username("%EMAILADDRESS%", "hanako@st.kyoto-u.ac.jp"),
            "hanako@st.kyoto-u.ac.jp");
  EXPECT_EQ(expand_username("%EMAILLOCALPART%", "hanako@st.kyoto-u.ac.jp"), "hanako");
  EXPECT_EQ(expand_username("%EMAILDOMAIN%", "hanako@st.kyoto-u.ac.jp"), "st.kyoto-u.ac.jp");
  EXPECT_EQ(expand_username("%EMAILLOCALPART%%%EMAILDOMAIN%", "tanaka@iis.u-tokyo.ac.jp"),
            "tanaka%iis.u-tokyo.ac.jp");
  EXPECT_EQ(expand_username("tanaka", ""), "tanaka");
  EXPECT_EQ(expand_username("%EMAILADDRESS%", ""), std::nullopt);
  EXPECT_EQ(expand_username("%EMAILLOCALPART%", "tanaka"), std::nullopt);
  EXPECT_EQ(expand_username("%EMAILDOMAIN%", "tanaka@"), std::nullopt);
  EXPECT_TRUE(uses_placeholder("x-%EMAILDOMAIN%"));
  EXPECT_FALSE(uses_placeholder("50%off"));
}

TEST(Policy, EverySeedPolicyLoads) {
  const std::vector<std::pair<std::string, std::size_t>> seeds{
      {"000-iis-u-tokyo.xml", 3}, {"001-keio.xml", 1},   {"002-kyutech.xml", 2},
      {"003-dti.xml", 1},         {"004-kumail.xml", 2}, {"004-kumail-clientconfig.xml", 1}};
  for (const auto& [file, moves] : seeds) {
    const PolicyLoadResult loaded = load_policy_file(kPolicies + file, known_rules());
    ASSERT_TRUE(loaded) << loaded.error;
    EXPECT_EQ(loaded.policy->moves.size(), moves) << file;
    EXPECT_FALSE(loaded.policy->name.empty()) << file;
  }
  EXPECT_TRUE(fixture_policy("000-iis-u-tokyo.xml").rule_enabled("spa-off"));
  EXPECT_FALSE(fixture_policy("003-dti.xml").rule_enabled("incoming-tls"));
  EXPECT_EQ(fixture_policy("004-kumail.xml").moves[1].outgoing[0].username, "%EMAILADDRESS%");
}

TEST(Policy, EveryInvalidPolicyNamesItsLineAndReason) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"unknown-rule.xml",
       "3: unknown rule 'no-such-rule' (known: server-move, apop-to-tls, incoming-tls, "
       "smtp-submission-port, spa-off, smtp-tls, smtp-auth, pop-download-limit)"},
      {"unknown-element.xml", "5: unknown element <password> in <incomingServer>"},
      {"bad-port.xml", "5: bad port '70000' (expected 1 to 65535)"},
      {"unknown-socket-type.xml", "5: unknown socketType 'TLS' (expected plain, STARTTLS or SSL)"},
      {"unknown-authentication.xml",
       "5: unknown authentication 'CRAM-MD5' (expected a clientConfig value such as "
       "password-cleartext)"},
      {"apop-on-outgoing.xml", "5: authentication 'apop' cannot be used in <outgoingServer>"},
      {"missing-match.xml", "2: missing match on <move>"},
      {"bad-match.xml", "2: bad match 'pop.*.example.ac.jp' (expected a host name or *.domain)"},
      {"missing-hostname.xml", "4: missing <hostname> in <incomingServer>"},
      {"not-well-formed.xml", "5: not well-formed XML: Start-end tags mismatch"},
      {"wrong-namespace.xml", "2: expected xmlns=\"urn:mailmig:policy:1\" on <policy>"},
      {"duplicate-rule.xml", "3: rule 'spa-off' is set twice (first on line 2)"},
      {"rule-without-enabled.xml", "2: enabled on <rule> must be \"true\" or \"false\""},
      {"unknown-attribute.xml", "2: unknown attribute enable on <rule>"},
      {"unknown-placeholder.xml",
       "5: unknown placeholder %EMAILADRESS% in <username> (expected %EMAILADDRESS%, "
       "%EMAILLOCALPART% or %EMAILDOMAIN%)"},
      {"empty-move.xml",
       "2: a <move> needs an <incomingServer>, an <outgoingServer> or a clientConfig"},
      {"missing-client-config.xml", "2: cannot read clientConfig " + kInvalid +
                                        "nowhere-config-v1.1.xml: No such file or directory"},
      {"client-config-bad-port.xml",
       "2: in clientConfig: " + kInvalid +
           "broken-config-v1.1.xml:5: bad port '0' (expected 1 to 65535)"},
      {"incoming-type-smtp.xml",
       "3: unknown type 'smtp' on <incomingServer> (expected pop3 or imap)"},
      {"missing-name.xml", "1: missing name on <policy>"},
      {"text-in-move.xml", "3: unexpected text inside <move>"},
      {"duplicate-element.xml", "6: <port> given twice in <outgoingServer>"},
      {"chained-moves.xml",
       "2: the new host pop.example.ac.jp is moved again by the move on line 5 (a move cannot "
       "lead to another move)"},
      {"missing-scope.xml",
       "1: missing <scope> in <policy>: name the organisation's servers, for example "
       "<scope><host match=\"*.example.ac.jp\"/></scope> (accounts on other servers are left "
       "alone)"},
      {"scope-bad-match.xml",
       "4: bad match 'mail.*.example.ac.jp' (expected a host name or *.domain)"},
      {"move-outside-scope.xml",
       "3: the move's match smtp.example.ne.jp is outside <scope>: add <host "
       "match=\"smtp.example.ne.jp\"/> to <scope>"},
      {"move-target-outside-scope.xml",
       "4: the new host pop.gmail.com is outside <scope>: add <host match=\"pop.gmail.com\"/> "
       "to <scope>, or the accounts it moves are left alone at the next run"},
  };
  for (const auto& [file, expected] : cases) {
    const PolicyLoadResult loaded = load_policy_file(kInvalid + file, known_rules());
    EXPECT_FALSE(loaded) << file;
    EXPECT_EQ(loaded.error, kInvalid + file + ":" + expected);
  }
}

TEST(Policy, InvalidBytesGiveLineNumbers) {
  EXPECT_EQ(parse_text("").error, "policy.xml:1: not well-formed XML: No document element found");
  EXPECT_EQ(parse_text("<policy xmlns='urn:mailmig:policy:1' name='n'/>\r\n<policy/>").error,
            "policy.xml:2: a policy file holds one <policy> element");
  EXPECT_EQ(parse_text("<rules/>").error, "policy.xml:1: expected <policy>, found <rules>");
  EXPECT_EQ(parse_text("<policy xmlns='urn:mailmig:policy:1' name='n'>\r\n\r\n"
                       "<rule id='spa-off' enabled='yes'/></policy>")
                .error,
            "policy.xml:3: enabled on <rule> must be \"true\" or \"false\"");
  EXPECT_EQ(parse_text("<policy xmlns='urn:mailmig:policy:1' name='n'>\r\r<move match='a'>"
                       "<outgoingServer><hostname>bad host</hostname></outgoingServer></move>"
                       "</policy>")
                .error,
            "policy.xml:3: bad hostname 'bad host'");
  EXPECT_EQ(
      parse_text("<policy xmlns='urn:mailmig:policy:1' name='n'>\n<zone/></policy>").error,
      "policy.xml:2: unknown element <zone> in <policy> (expected <scope>, <verification>, <rule> or <move>)");
  EXPECT_EQ(parse_text("<policy xmlns='urn:mailmig:policy:1' name='n'>\n"
                       "<move match='a' clientConfig='x.xml'><outgoingServer/></move></policy>")
                .error,
            "policy.xml:2: a <move> with clientConfig holds no server elements");
  EXPECT_EQ(parse_text("<policy xmlns='urn:mailmig:policy:1' name='n'>\n<move match='a'>"
                       "<outgoingServer><hostname>b<i/></hostname></outgoingServer></move>"
                       "</policy>")
                .error,
            "policy.xml:2: unexpected element <i> inside <hostname>");
}

TEST(Policy, ScopeNamesTheOrganisationsServers) {
  const auto loaded = parse_text(
      "<policy xmlns='urn:mailmig:policy:1' name='n'>\n<scope>\n"
      "  <host match=' *.DTI.ne.jp '/>\n  <host match='smtp.partner.example.jp'/>\n</scope>\n"
      "</policy>");
  ASSERT_TRUE(loaded) << loaded.error;
  const Policy& policy = *loaded.policy;
  EXPECT_EQ(policy.scope, (std::vector<std::string>{"*.dti.ne.jp", "smtp.partner.example.jp"}));
  EXPECT_TRUE(policy.in_scope("pop.tanaka.dti.ne.jp"));
  EXPECT_TRUE(policy.in_scope("SMTP.Partner.Example.JP"));
  EXPECT_FALSE(policy.in_scope("dti.ne.jp"));  // as a move's match: below the domain only
  EXPECT_FALSE(policy.in_scope("pop.other-isp.example.jp"));
  EXPECT_FALSE(policy.in_scope("pop.partner.example.jp"));
  for (const char* seed : {"000-iis-u-tokyo.xml", "001-keio.xml", "002-kyutech.xml", "003-dti.xml",
                           "004-kumail.xml", "004-kumail-clientconfig.xml"}) {
    const Policy seed_policy = fixture_policy(seed);
    ASSERT_TRUE(seed_policy.scope) << seed;
    EXPECT_FALSE(seed_policy.in_scope("pop.other-isp.example.jp")) << seed;
  }
  EXPECT_EQ(fixture_policy("003-dti.xml").scope, (std::vector<std::string>{"*.dti.ne.jp"}));
}

TEST(Policy, BadScopesAreRefusedWithTheirLine) {
  const std::string head = "<policy xmlns='urn:mailmig:policy:1' name='n'>\n";
  EXPECT_EQ(parse_text(head + "<scope/>\n</policy>").error,
            "policy.xml:2: an empty <scope> governs no account: name the organisation's servers "
            "with <host match=\"...\"/>");
  EXPECT_EQ(parse_text(head + "<scope><host/></scope></policy>").error,
            "policy.xml:2: missing match on <host>");
  EXPECT_EQ(parse_text(head + "<scope><host match='a b'/></scope></policy>").error,
            "policy.xml:2: bad match 'a b' (expected a host name or *.domain)");
  EXPECT_EQ(parse_text(head + "<scope><domain>example.ac.jp</domain></scope></policy>").error,
            "policy.xml:2: unknown element <domain> in <scope> (expected <host match=\"...\"/>)");
  EXPECT_EQ(parse_text(head + "<scope><host match='x.jp' host='y'/></scope></policy>").error,
            "policy.xml:2: unknown attribute host on <host>");
  EXPECT_EQ(parse_text(head + "<scope><host match='x.jp'/></scope>\n"
                              "<scope><host match='y.jp'/></scope></policy>")
                .error,
            "policy.xml:3: <scope> given twice (first on line 2)");
  for (const char* local : {"localhost", "*.localhost", "127.0.0.1", "::1"}) {
    EXPECT_EQ(parse_text(head + "<scope><host match='" + local + "'/></scope></policy>").error,
              "policy.xml:2: '" + std::string(local) +
                  "' is this machine, never an organisation's server");
  }
  // A wildcard move is in a scope when the scope's domain holds the move's.
  EXPECT_TRUE(parse_text(head + "<scope><host match='*.ac.jp'/></scope><move match='*.x.ac.jp'>"
                                "<incomingServer><hostname>pop.ac.jp</hostname></incomingServer>"
                                "</move></policy>"));
  EXPECT_EQ(parse_text(head + "<scope><host match='x.ac.jp'/><host match='pop.ac.jp'/></scope>"
                              "<move match='*.x.ac.jp'><incomingServer><hostname>pop.ac.jp"
                              "</hostname></incomingServer></move></policy>")
                .error,
            "policy.xml:2: the move's match *.x.ac.jp is outside <scope>: add <host "
            "match=\"*.x.ac.jp\"/> to <scope>");
}

TEST(Policy, BuiltinDefaultScopesEveryHostButLocalOnes) {
  const Policy policy = builtin_default_policy(known_rules());
  EXPECT_EQ(policy.scope, std::nullopt);
  EXPECT_TRUE(policy.in_scope("pop.other-isp.example.jp"));
  EXPECT_FALSE(policy.in_scope("localhost"));
  EXPECT_FALSE(policy.in_scope("/usr/sbin/sendmail -t"));
  EXPECT_FALSE(policy.in_scope(""));
}

// <host>, <rule> and <verification> hold attributes only: a child element or text is named.
TEST(Policy, AttributeOnlyElementsRefuseChildrenAndText) {
  const std::string head =
      "<policy xmlns='urn:mailmig:policy:1' name='n'>\n<scope><host match='x.jp'/></scope>\n";
  EXPECT_EQ(parse_text("<policy xmlns='urn:mailmig:policy:1' name='n'>\n"
                       "<scope><host match='x.jp'><port/></host></scope></policy>")
                .error,
            "policy.xml:2: unexpected element <port> inside <host>");
  EXPECT_EQ(parse_text(head + "<rule id='spa-off'>\n<on/></rule></policy>").error,
            "policy.xml:4: unexpected element <on> inside <rule>");
  EXPECT_EQ(parse_text(head + "<verification mode='off'>\nsoon</verification></policy>").error,
            "policy.xml:4: unexpected text inside <verification>");
}

TEST(Policy, MissingFileIsAnError) {
  const PolicyLoadResult loaded = load_policy_file(kPolicies + "no-such-policy.xml", known_rules());
  EXPECT_FALSE(loaded);
  EXPECT_EQ(loaded.error, kPolicies + "no-such-policy.xml: No such file or directory");
}

TEST(Policy, VerificationIsRequiredUnlessThePolicySaysOtherwise) {
  EXPECT_EQ(builtin_default_policy(known_rules()).verification, Verification{});
  EXPECT_EQ(builtin_default_policy(known_rules()).verification.mode, VerificationMode::Required);
  const PolicyLoadResult loaded = load_policy_file(kPolicies + "002-kyutech.xml", known_rules());
  ASSERT_TRUE(loaded) << loaded.error;
  EXPECT_EQ(loaded.policy->verification.mode, VerificationMode::Required);
}

TEST(Policy, ReadsTheVerificationElement) {
  const PolicyLoadResult advisory = parse_text(
      "<policy xmlns=\"urn:mailmig:policy:1\" name=\"p\"><scope><host match=\"*.example.jp\"/>"
      "</scope><verification mode=\"advisory\"/></policy>");
  ASSERT_TRUE(advisory) << advisory.error;
  EXPECT_EQ(advisory.policy->verification.mode, VerificationMode::Advisory);
  EXPECT_EQ(advisory.policy->verification.ca_file, "");

  // A relative CA file is found beside the policy.
  const PolicyLoadResult with_ca = parse_text(
      "<policy xmlns=\"urn:mailmig:policy:1\" name=\"p\"><scope><host match=\"*.example.jp\"/>"
      "</scope><verification mode=\"off\" ca-file=\"002-kyutech.xml\"/></policy>",
      kPolicies);
  ASSERT_TRUE(with_ca) << with_ca.error;
  EXPECT_EQ(with_ca.policy->verification.mode, VerificationMode::Off);
  EXPECT_EQ(with_ca.policy->verification.ca_file, kPolicies + "002-kyutech.xml");
}

TEST(Policy, RefusesABadVerificationElement) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"<verification mode=\"maybe\"/>",
       "policy.xml:1: unknown verification mode 'maybe' (expected required, advisory or off)"},
      {"<verification ca-file=\"no-such-ca.pem\"/>",
       "policy.xml:1: the CA file '" + kPolicies + "no-such-ca.pem' is not a readable file"},
      {"<verification/><verification/>", "policy.xml:1: <verification> given twice"},
      {"<verification strict=\"yes\"/>",
       "policy.xml:1: unknown attribute strict on <verification>"},
  };
  for (const auto& [element, error] : cases) {
    const PolicyLoadResult loaded = parse_text(
        "<policy xmlns=\"urn:mailmig:policy:1\" name=\"p\">" + element + "</policy>", kPolicies);
    EXPECT_FALSE(loaded) << element;
    EXPECT_EQ(loaded.error, error) << element;
  }
}

}  // namespace
}  // namespace mailmig
