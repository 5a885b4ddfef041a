// A restore from a backup, end to end, as deploy/README.md tells an operator
// to do it: the real hub writes a backup (SIGUSR1), confirms more work,
// stops; deploy/restore-backup.sh puts the backup back and records the
// restore. No referral id confirmed after the backup is issued again, a
// restored directory does not serve before the restore is recorded, and an
// auditor's checkpoint from before the restore is reported as cut by a
// recorded restore rather than as an unexplained fork.
#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/e2e/hub_process.h"
#include "tests/e2e/sxctl_fixture.h"

namespace sx::testing {
namespace {

class SxctlRestoreE2eTest : public SxctlFixture {
 protected:
  std::string Ok(const std::string& identity,
                 const std::vector<std::string>& args) {
    ProcessResult result = Run(identity, args);
    EXPECT_EQ(result.exit_code, 0) << args[0] << ": " << result.err;
    return result.out;
  }

  std::string SendLead(const std::string& subject) {
    const std::string sent =
        Ok(kInspection, {"send", "--json", "--to", kCommission, "--subject",
                         subject, "--category", "问题线索", "--summary", "摘要",
                         "--source", "巡察", "--sensitivity", "ordinary"});
    return Json(sent, "d['referral_id']");
  }

  // SIGUSR1, then the directory the hub logs it wrote.
  std::string WriteBackup() {
    const std::string logged = "checkpoint written to ";
    const size_t before = hub_->ReadLog().size();
    kill(hub_->pid(), SIGUSR1);
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      const std::string log = hub_->ReadLog().substr(before);
      const size_t at = log.find(logged);
      if (at != std::string::npos) {
        const size_t end = log.find('\n', at);
        return log.substr(at + logged.size(), end - at - logged.size());
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    ADD_FAILURE() << "no backup: " << hub_->ReadLog();
    return "";
  }

  // deploy/restore-backup.sh with the hub stopped.
  bool RestoreWithScript(const std::string& backup) {
    const std::string log = work_.Sub("restore.log");
    const std::string command = absl::StrCat(
        SX_SOURCE_DIR,
        "/deploy/restore-backup.sh --config=", hub_->config_path(),
        " --backup=", backup, " --sxhub=", SX_HUB_BINARY, " >", log, " 2>&1");
    const bool ok = std::system(command.c_str()) == 0;
    EXPECT_TRUE(ok) << ReadFile(log);
    EXPECT_TRUE(absl::StrContains(ReadFile(log), "generation r2"))
        << ReadFile(log);
    return ok;
  }

  static unsigned Mode(const std::string& path) {
    struct stat info {};
    stat(path.c_str(), &info);
    return info.st_mode & 0777;
  }
};

TEST_F(SxctlRestoreE2eTest, RestoreReissuesNoIdAndIsVisibleToAuditors) {
  const std::string kept = SendLead("备份前的线索");
  const std::string backup = WriteBackup();
  ASSERT_FALSE(backup.empty());
  EXPECT_EQ(Mode(backup), 0700u) << backup;
  EXPECT_EQ(Mode(hub_->data_dir()), 0700u);

  // Confirmed to the sender, then lost with the restore.
  const std::string lost = SendLead("备份后的线索");
  const std::string before_restore = work_.Sub("before-restore.txt");
  Ok(kAuditor, {"audit", "checkpoint", "--out", before_restore});
  hub_->Stop();

  // Copied back by hand, the backup does not serve.
  std::filesystem::remove_all(hub_->data_dir());
  std::filesystem::copy(backup, hub_->data_dir(),
                        std::filesystem::copy_options::recursive);
  EXPECT_FALSE(hub_->Start().ok());
  EXPECT_TRUE(absl::StrContains(hub_->ReadLog(), "--confirm-restore"))
      << hub_->ReadLog();

  // The documented way: the script, then an ordinary start.
  ASSERT_TRUE(RestoreWithScript(backup));
  ASSERT_TRUE(hub_->Start().ok()) << hub_->ReadLog();

  const std::string fresh = SendLead("恢复后的线索");
  EXPECT_NE(fresh, lost);
  EXPECT_NE(fresh, kept);
  EXPECT_TRUE(absl::StartsWith(fresh, "demo-r2")) << fresh;
  EXPECT_GT(fresh, lost) << "newest first still holds";
  // The commission's inbox moved past every sequence it may have seen.
  const std::string inbox = Ok(kCommission, {"inbox", "list", "--json"});
  EXPECT_EQ(Json(inbox, "len(d)"), "2") << inbox;
  EXPECT_EQ(Json(inbox, "d[1]['sequence'] > 1000000"), "true") << inbox;
  // What the backup held is still there.
  Ok(kCommission, {"show", kept});

  // The log records the restore where the backup's events end (one event:
  // the first submission).
  const std::string restores =
      Ok(kAuditor, {"audit", "events", "--json", "--type", "log_restored"});
  EXPECT_EQ(Json(restores, "len(d['events'])"), "1") << restores;
  EXPECT_EQ(Json(restores, "d['events'][0]['sequence']"), "2") << restores;

  const std::string after_restore = work_.Sub("after-restore.txt");
  Ok(kAuditor, {"audit", "checkpoint", "--out", after_restore});
  ProcessResult compared =
      Run(kAuditor, {"audit", "consistency", "--old", before_restore, "--new",
                     after_restore, "--hub-cert", pki_->Cert("hub")});
  EXPECT_EQ(compared.exit_code, 1);
  EXPECT_TRUE(
      absl::StrContains(compared.err, "log restored from backup at sequence 1"))
      << compared.err;
  // Checkpoints taken after the restore are compared as usual.
  SendLead("恢复后的第二条线索");
  const std::string later = work_.Sub("later.txt");
  Ok(kAuditor, {"audit", "checkpoint", "--out", later});
  Ok(kAuditor, {"audit", "consistency", "--old", after_restore, "--new", later,
                "--hub-cert", pki_->Cert("hub")});

  // The same backup restored a second time: its counters roll back again,
  // yet no id of the first restore's period comes back.
  hub_->Stop();
  ASSERT_TRUE(RestoreWithScript(backup));
  ASSERT_TRUE(hub_->Start().ok()) << hub_->ReadLog();
  const std::string again = SendLead("第二次恢复后的线索");
  EXPECT_NE(again, fresh);
  EXPECT_GT(again, fresh);
}

}  // namespace
}  // namespace sx::testing
