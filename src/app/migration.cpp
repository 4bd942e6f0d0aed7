#include "src/app/migration.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include "parsers/clients/client_list.h"
#include "parsers/clients/thunderbird/thunderbird_client.h"
#include "rules/rule_engine.h"
#include "src/app/discovery.h"
#include "src/app/endpoint_verification.h"
#include "src/app/safe_apply.h"
#include "src/i18n/i18n.h"
#include "src/io/journal.h"
#include "src/report/run_totals.h"
#include "src/util/identity.h"

namespace mailmig {
namespace {

std::string_view command_name(Command command) {
  switch (command) {
    case Command::Scan:
      return "scan";
    case Command::Plan:
      return "plan";
    case Command::Apply:
      return "apply";
  }
  return "scan";
}

// A profile that profiles.ini places outside the home named with --home: reported, not read.
ProfileResult profile_outside_home(const std::string& path, const std::string& home) {
  ProfileResult result;
  result.client = kThunderbird;
  result.path = path;
  result.findings.push_back(make_finding(
      "thunderbird-profile", Severity::Warning,
      N_("profiles.ini places the profile {path} outside the home {home}; mailmig left it "
         "alone. Run mailmig as the user the profile belongs to, naming it on the command line."),
      {{"path", path}, {"home", home}}));
  return result;
}

// A mail program mailmig cannot edit: its user must make the notice's changes by hand, and the
// census counts them as such instead of as done.
ProfileResult uneditable_client(const UneditableClient& found) {
  ProfileResult result;
  result.client = found.client;
  result.path = found.path;
  const char* steps = find_client(found.client)->manual_steps;
  result.findings.push_back(
      make_finding("uneditable-client", Severity::ActionRequired, steps, {{"path", found.path}}));
  return result;
}

std::vector<ProfileLocation> locations_to_process(const MigrationOptions& options,
                                                  std::vector<ProfileResult>& unreadable) {
  if (options.paths.empty()) {
    for (const UneditableClient& found : discover_uneditable_clients(options.home)) {
      unreadable.push_back(uneditable_client(found));
    }
    if (!options.home_given) return discover_profiles(options.home);
    std::vector<std::string> outside_home;
    std::vector<ProfileLocation> found = discover_profiles(options.home, &outside_home);
    for (const std::string& path : outside_home) {
      unreadable.push_back(profile_outside_home(path, options.home));
    }
    return found;
  }
  std::vector<ProfileLocation> locations;
  for (const std::string& path : options.paths) {
    ClassifyResult classified = classify_path(path);
    if (!classified.error.empty()) {
      ProfileResult failed;
      // A PATH that is no profile has always been reported under Thunderbird's id and name.
      failed.client = kThunderbird;
      failed.path = path;
      failed.status = ProfileStatus::Error;
      failed.error = classified.error;
      unreadable.push_back(std::move(failed));
      continue;
    }
    for (auto& location : classified.locations) {
      if (std::find(locations.begin(), locations.end(), location) == locations.end()) {
        locations.push_back(std::move(location));
      }
    }
  }
  return locations;
}

// Where each account's result goes: to the sink as soon as it is final, else into the profile's
// result. An apply's results are final once the profile is written (a failed write takes the
// changes back), so they wait in the profile's result until then.
class AccountResults {
 public:
  AccountResults(RunReportSink* sink, Command command)
      : sink_(sink), hand_on_when_planned_(sink != nullptr && command != Command::Apply) {}

  void add(ProfileResult& profile, AccountResult&& result) const {
    if (hand_on_when_planned_) {
      sink_->account(profile, result);
      profile.handed_on.add(result);
    } else {
      profile.accounts.push_back(std::move(result));
    }
  }

  // The profile is done: what is still kept of it goes to the sink.
  void profile_done(ProfileResult& profile) const {
    if (sink_ == nullptr) return;
    for (const AccountResult& result : profile.accounts) {
      sink_->account(profile, result);
      profile.handed_on.add(result);
    }
    std::vector<AccountResult>().swap(profile.accounts);
    sink_->profile_done(profile);
  }

 private:
  RunReportSink* sink_;
  bool hand_on_when_planned_;
};

// Plans and makes (in memory) every account's changes. The plan's changes are what the writer
// does. An account whose outgoing server an earlier account's plan edited (one SMTP server for
// several Thunderbird accounts) is planned with that server as the plan left it.
void migrate_accounts(Profile& profile, const Policy& policy, EndpointVerification& verification,
                      const AccountResults& results, ProfileResult& out,
                      std::size_t& left_alone_unverified) {
  std::vector<Account> before = profile.accounts();
  verification.check_ahead(before, policy);  // the profile's new servers, in parallel
  std::map<std::string, ServerSettings, std::less<>> edited_shared_servers;
  for (Account& original : before) {
    AccountResult account_result;
    const std::string shared = profile.shared_outgoing_server(original.id);
    std::optional<Account> with_edited_server;
    if (const auto edited = edited_shared_servers.find(shared);
        edited != edited_shared_servers.end() && original.outgoing) {
      with_edited_server = original;
      with_edited_server->outgoing = edited->second;
    }
    const Account& current = with_edited_server ? *with_edited_server : original;
    EditPlan plan = plan_account(current, policy, profile.capabilities(current));
    if (verification.screen(current, plan)) {
      account_result.awaiting_server = true;
      ++left_alone_unverified;
    }
    account_result.findings = std::move(plan.findings);
    account_result.governed = plan.governed;
    if (!plan.changes.empty()) {
      if (!shared.empty() && plan.after.outgoing) {
        edited_shared_servers.insert_or_assign(shared, *plan.after.outgoing);
      }
      std::vector<Finding> writer_findings = profile.apply(plan);
      account_result.changes = std::move(plan.changes);
      for (Finding& finding : writer_findings) {
        account_result.findings.push_back(std::move(finding));
      }
    }
    account_result.account = std::move(original);  // the account as it was before the run
    results.add(out, std::move(account_result));
  }
  out.findings = profile.findings();
}

}  // namespace

Migration run_migration(const MigrationOptions& options, const Policy& policy) {
  Migration migration;
  RunInfo& info = migration.result.info;
  info.run_id = make_run_id();
  info.command = std::string(command_name(options.command));
  info.machine = options.machine.empty() ? machine_name() : options.machine;
  info.group = options.group;
  info.user = user_name();
  info.time = utc_now_iso8601();
  info.mailmig_version = MAILMIG_VERSION;
  info.policy_name = policy.name;
  info.policy_hash = policy.hash;
  info.builtin_policy = !policy.scope.has_value();
  if (options.report_sink) options.report_sink->run_begun(info);

  // The deadline counts discovery and recovery too: the whole run must end in time.
  const auto deadline = options.clock() + options.timeout;
  std::vector<ProfileResult> unreadable;
  const std::vector<ProfileLocation> locations = locations_to_process(options, unreadable);
  const bool uneditable_found =
      std::any_of(unreadable.begin(), unreadable.end(), [](const ProfileResult& found) {
        const ClientDescriptor* client = find_client(found.client);
        return client && !client->editable();
      });
  if (options.paths.empty() && locations.empty() && !uneditable_found) {
    // Said in words: a home searched in vain must not read like a home with nothing to change.
    migration.result.notices.push_back(
        make_finding({}, Severity::Info, N_("no mail program's settings were found in {home}"),
                     {{"home", options.home}}));
  }
  SafeApply writer(options, info);
  const VerificationMode verification_mode =
      options.command == Command::Scan ? VerificationMode::Off
                                       : options.verification.value_or(policy.verification.mode);
  std::optional<std::chrono::steady_clock::time_point> probe_deadline;
  if (options.timeout.count() > 0)
    probe_deadline = std::chrono::steady_clock::now() + options.timeout;
  ProbeSettings probe_settings;
  probe_settings.extra_ca_file = policy.verification.ca_file;
  EndpointVerification verification(verification_mode, probe_settings, probe_deadline,
                                    options.probe);
  const AccountResults account_results(options.report_sink, options.command);
  auto add_profile = [&](ProfileResult&& done) {
    account_results.profile_done(done);
    migration.result.profiles.push_back(std::move(done));
  };
  // Once the deadline has passed, this profile and the ones after it are not processed.
  auto leave_for_the_next_run = [&](std::size_t first) {
    for (std::size_t i = first; i < locations.size(); ++i) {
      migration.not_processed.push_back(locations[i].path);
    }
  };

  for (std::size_t index = 0; index < locations.size(); ++index) {
    const ProfileLocation& location = locations[index];
    ProfileResult profile_result;
    profile_result.client = provisional_client(location);
    profile_result.path = location.path;

    std::chrono::milliseconds lock_timeout = kProfileLockTimeout;
    if (options.timeout.count() > 0) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - options.clock());
      if (left.count() <= 0) {
        leave_for_the_next_run(index);
        break;
      }
      lock_timeout = std::min(lock_timeout, left);
    }

    // apply holds the profile's lock from before reading until after writing, so a second
    // run started at the same time waits, then finds nothing left to do.
    bool lock_timed_out = false;
    auto guard = writer.enter_profile(location, profile_result, lock_timeout, lock_timed_out);
    if (lock_timed_out && lock_timeout < kProfileLockTimeout) {
      // The wait ended at the run's deadline.
      leave_for_the_next_run(index);
      break;
    }
    if (profile_result.status != ProfileStatus::Ok) {
      add_profile(std::move(profile_result));
      continue;
    }

    LoadResult loaded = load_profile(location);
    if (!loaded) {
      profile_result.status = ProfileStatus::Error;
      profile_result.error = loaded.error;
      add_profile(std::move(profile_result));
      continue;
    }
    Profile& profile = *loaded.profile;
    profile_result.client = profile.client();
    profile_result.path = profile.path();

    if (options.command == Command::Scan) {
      for (Account& account : profile.accounts()) {
        account_results.add(profile_result, AccountResult{std::move(account), {}, {}, true});
      }
      profile_result.findings = profile.findings();
    } else {
      migrate_accounts(profile, policy, verification, account_results, profile_result,
                       migration.left_alone_unverified);
    }
    for (const ProfileFile& file : profile.files()) {
      profile_result.files.push_back(FileResult{file.path, file.changed(), {}});
    }
    writer.commit(location, profile, profile_result);
    add_profile(std::move(profile_result));
    if (options.keep_profiles) migration.profiles.push_back(std::move(loaded.profile));
  }
  for (ProfileResult& failed : unreadable) add_profile(std::move(failed));
  migration.result.verification = std::string(to_string(verification_mode));
  migration.result.endpoint_checks = verification.checks();
  writer.finish(migration.result);
  migration.undo_advice = writer.undo_advice();
  return migration;
}

}  // namespace mailmig
