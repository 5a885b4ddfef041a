// Tests of CertificateRevocations against real CRLs: each suite makes a dev
// PKI with deploy/dev-pki.sh (its crl/ already holds the CA's CRL <hash>.r0,
// which revokes negative/revoked.crt), and each test changes its own copy.
//
// Where the order of several CRLs of one CA matters, the tests date them
// explicitly in the past: dev-pki-revoke.sh dates a CRL made within a second
// of the previous one a second ahead, and OpenSSL treats a CRL dated in the
// future as not yet valid, so such a test could pass or fail by the clock.
#include "server/certificate_revocations.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/read_file.h"
#include "tests/support/temp_dir.h"

namespace sx::server {
namespace {

namespace fs = std::filesystem;
using ::sx::testing::ReadFile;
using ::sx::testing::TempDir;

constexpr char kAudit[] = "audit-bureau";
constexpr char kInspection[] = "inspection-office";
// Revoked by the CRL that deploy/dev-pki.sh publishes.
constexpr char kRevokedByDevPki[] = "negative/revoked";

constexpr char kRevoked[] = "revoked";
constexpr char kNotRevoked[] = "not revoked";

// Runs a /bin/sh command; true if it exited 0.
bool Shell(const std::string& command) {
  return std::system(command.c_str()) == 0;
}

bool MakeDevPki(const std::string& dir) {
  return Shell(absl::StrCat("bash '", SX_SOURCE_DIR, "/deploy/dev-pki.sh' '",
                            dir, "' >/dev/null"));
}

bool RunDevPkiRevoke(const std::string& pki, const std::string& name) {
  return Shell(absl::StrCat("bash '", SX_SOURCE_DIR,
                            "/deploy/dev-pki-revoke.sh' '", name, "' '", pki,
                            "' >/dev/null"));
}

// `openssl ca` on the CA of a PKI made by dev-pki.sh, run in that directory.
std::string CaCommand(const std::string& pki, const std::string& arguments) {
  return absl::StrCat(
      "cd '", pki, "' && export SX_CA_DB=.ca-db/ca SX_SAN= SX_EKU= && ",
      "openssl ca -config .ca-db/openssl.cnf -cert ca.crt -keyfile ca.key ",
      arguments, " >/dev/null 2>&1");
}

// Marks PKI/NAME.crt revoked in the CA's database, without publishing a CRL.
bool RevokeInCaDatabase(const std::string& pki, const std::string& name) {
  return Shell(CaCommand(
      pki, absl::StrCat("-revoke '", name, ".crt' -crl_reason keyCompromise")));
}

// Writes the CA's CRL (every revocation in its database so far), with
// lastUpdate `age` ago, to PKI/crl/FILE_NAME: written aside, then renamed
// over whatever file had that name.
bool PublishCrl(const std::string& pki, const std::string& file_name,
                absl::Duration age) {
  const std::string last_update =
      absl::FormatTime("%Y%m%d%H%M%SZ", absl::Now() - age, absl::UTCTimeZone());
  return Shell(absl::StrCat(
      CaCommand(pki, absl::StrCat("-gencrl -crl_lastupdate ", last_update,
                                  " -crldays 365 -out crl/.next")),
      " && mv -f crl/.next 'crl/", file_name, "'"));
}

bool WriteFile(const std::string& path, const std::string& content) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << content;
  return static_cast<bool>(file.flush());
}

// kRevoked, kNotRevoked or the error, so that a failed expectation shows
// which one it got.
std::string StateOf(const CertificateRevocations& revocations,
                    const std::string& pem) {
  absl::StatusOr<bool> revoked = revocations.IsRevoked(pem);
  if (!revoked.ok())
    return absl::StrCat("error: ", revoked.status().ToString());
  return *revoked ? kRevoked : kNotRevoked;
}

bool SkippedMentions(const CertificateRevocations& revocations,
                     const std::string& file_name) {
  for (const std::string& line : revocations.skipped()) {
    if (absl::StrContains(line, file_name)) return true;
  }
  return false;
}

std::string SkippedText(const CertificateRevocations& revocations) {
  return absl::StrCat("skipped: [", absl::StrJoin(revocations.skipped(), "; "),
                      "]");
}

constexpr char kChanged[] = "changed";
constexpr char kUnchanged[] = "unchanged";

// What Refresh() said: kChanged if the revoked set changed, kUnchanged if
// not (whether or not it re-read the files), or its error.
std::string RefreshOutcome(CertificateRevocations& revocations) {
  using Result = CertificateRevocations::RefreshResult;
  absl::StatusOr<Result> result = revocations.Refresh();
  if (!result.ok()) return result.status().ToString();
  return *result == Result::kRevocationsChanged ? kChanged : kUnchanged;
}

class CertificateRevocationsTest : public ::testing::Test {
 protected:
  // One PKI per suite (dev-pki.sh takes about a second). Its CRL is dated
  // three hours back, so that every CRL a test publishes later is newer.
  static void SetUpTestSuite() {
    suite_dir_ = new TempDir();
    const std::string pki = suite_dir_->Sub("pki");
    if (!MakeDevPki(pki)) {
      suite_error_ = "deploy/dev-pki.sh failed";
      return;
    }
    std::vector<fs::path> crls;
    for (const fs::directory_entry& entry :
         fs::directory_iterator(pki + "/crl")) {
      crls.push_back(entry.path());
    }
    if (crls.size() != 1 || crls[0].extension() != ".r0") {
      suite_error_ = "dev-pki.sh did not write exactly one crl/<hash>.r0";
      return;
    }
    ca_hash_ = crls[0].stem().string();
    if (!PublishCrl(pki, ca_hash_ + ".r0", absl::Hours(3))) {
      suite_error_ = "could not re-date the dev CA's CRL";
    }
  }

  static void TearDownTestSuite() {
    delete suite_dir_;
    suite_dir_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(suite_error_.empty()) << suite_error_;
    fs::copy(suite_dir_->Sub("pki"), pki(), fs::copy_options::recursive);
  }

  // This test's own copy of the suite's PKI.
  std::string pki() const { return work_.Sub("pki"); }
  std::string crl_dir() const { return pki() + "/crl"; }
  std::string ca_file() const { return pki() + "/ca.crt"; }
  // The name of the dev CA's CRL file with `suffix`, e.g. "r0".
  std::string CrlName(const std::string& suffix) const {
    return absl::StrCat(ca_hash_, ".", suffix);
  }

  // The PEM of PKI/NAME.crt.
  std::string Pem(const std::string& name) const {
    std::string pem = ReadFile(absl::StrCat(pki(), "/", name, ".crt"));
    EXPECT_FALSE(pem.empty()) << "cannot read " << name << ".crt";
    return pem;
  }
  std::string StateOfCert(const CertificateRevocations& revocations,
                          const std::string& name) const {
    return StateOf(revocations, Pem(name));
  }

  absl::StatusOr<std::unique_ptr<CertificateRevocations>> LoadPki() const {
    return CertificateRevocations::Load(crl_dir(), ca_file());
  }

  static inline TempDir* suite_dir_ = nullptr;
  static inline std::string suite_error_;
  static inline std::string ca_hash_;

  TempDir work_;
};

TEST_F(CertificateRevocationsTest, EmptyDirectoryRevokesNothing) {
  const std::string empty = work_.Sub("empty-crl");
  fs::create_directory(empty);
  auto revocations = CertificateRevocations::Load(empty, ca_file());
  ASSERT_TRUE(revocations.ok()) << revocations.status();

  EXPECT_EQ(StateOfCert(**revocations, kAudit), kNotRevoked);
  EXPECT_EQ(StateOfCert(**revocations, kRevokedByDevPki), kNotRevoked);
  EXPECT_EQ((*revocations)->revoked_count(), 0u);
  EXPECT_TRUE((*revocations)->skipped().empty()) << SkippedText(**revocations);
}

TEST_F(CertificateRevocationsTest, RefreshPicksUpCrlPublishedByDevPkiRevoke) {
  auto revocations = LoadPki();
  ASSERT_TRUE(revocations.ok()) << revocations.status();
  EXPECT_EQ(StateOfCert(**revocations, kRevokedByDevPki), kRevoked);
  EXPECT_EQ(StateOfCert(**revocations, kAudit), kNotRevoked);
  EXPECT_EQ((*revocations)->revoked_count(), 1u);

  ASSERT_TRUE(RunDevPkiRevoke(pki(), kAudit));
  EXPECT_EQ(RefreshOutcome(**revocations), kChanged);

  EXPECT_EQ(StateOfCert(**revocations, kAudit), kRevoked);
  EXPECT_EQ(StateOfCert(**revocations, kInspection), kNotRevoked);
  EXPECT_EQ(StateOfCert(**revocations, kRevokedByDevPki), kRevoked);
  EXPECT_EQ((*revocations)->revoked_count(), 2u);

  EXPECT_EQ(RefreshOutcome(**revocations), kUnchanged);
  EXPECT_EQ(StateOfCert(**revocations, kAudit), kRevoked);
}

TEST_F(CertificateRevocationsTest, LoadSeesCrlAlreadyInDirectory) {
  ASSERT_TRUE(RunDevPkiRevoke(pki(), kAudit));

  auto revocations = LoadPki();
  ASSERT_TRUE(revocations.ok()) << revocations.status();
  EXPECT_EQ(StateOfCert(**revocations, kAudit), kRevoked);
  EXPECT_EQ(StateOfCert(**revocations, kInspection), kNotRevoked);
  EXPECT_EQ((*revocations)->revoked_count(), 2u);
}

// What gRPC 1.51 itself misses until a restart (see the header).
TEST_F(CertificateRevocationsTest, RefreshPicksUpCrlReplacedInPlace) {
  auto revocations = LoadPki();
  ASSERT_TRUE(revocations.ok()) << revocations.status();
  ASSERT_EQ(StateOfCert(**revocations, kInspection), kNotRevoked);

  const std::string crl = crl_dir() + "/" + CrlName("r0");
  const auto old_size = fs::file_size(crl);
  const auto old_mtime = fs::last_write_time(crl);
  ASSERT_TRUE(RevokeInCaDatabase(pki(), kInspection));
  ASSERT_TRUE(PublishCrl(pki(), CrlName("r0"), absl::ZeroDuration()));
  // Refresh looks at size and modification time; make sure both differ.
  ASSERT_NE(fs::file_size(crl), old_size);
  fs::last_write_time(crl, old_mtime + std::chrono::seconds(10));

  EXPECT_EQ(RefreshOutcome(**revocations), kChanged);
  EXPECT_EQ(StateOfCert(**revocations, kInspection), kRevoked);
  EXPECT_EQ(StateOfCert(**revocations, kRevokedByDevPki), kRevoked);
  EXPECT_EQ(StateOfCert(**revocations, kAudit), kNotRevoked);
  EXPECT_EQ((*revocations)->revoked_count(), 2u);
}

TEST_F(CertificateRevocationsTest, RefreshNoticesRemovedCrl) {
  ASSERT_TRUE(RunDevPkiRevoke(pki(), kAudit));
  auto revocations = LoadPki();
  ASSERT_TRUE(revocations.ok()) << revocations.status();
  ASSERT_EQ(StateOfCert(**revocations, kAudit), kRevoked);

  ASSERT_TRUE(fs::remove(crl_dir() + "/" + CrlName("r1")));
  EXPECT_EQ(RefreshOutcome(**revocations), kChanged);
  EXPECT_EQ(StateOfCert(**revocations, kAudit), kNotRevoked);
  EXPECT_EQ(StateOfCert(**revocations, kRevokedByDevPki), kRevoked);
  EXPECT_EQ((*revocations)->revoked_count(), 1u);
}

TEST_F(CertificateRevocationsTest, FailedRefreshKeepsPreviousRevocations) {
  ASSERT_TRUE(RunDevPkiRevoke(pki(), kAudit));
  auto revocations = LoadPki();
  ASSERT_TRUE(revocations.ok()) << revocations.status();
  ASSERT_EQ(StateOfCert(**revocations, kAudit), kRevoked);

  // A directory that cannot be listed must not read as "nothing revoked".
  const std::string moved = pki() + "/crl-moved";
  fs::rename(crl_dir(), moved);
  const std::string outcome = RefreshOutcome(**revocations);
  EXPECT_NE(outcome, kChanged) << "a directory that cannot be listed";
  EXPECT_NE(outcome, kUnchanged) << "a directory that cannot be listed";
  EXPECT_EQ(StateOfCert(**revocations, kAudit), kRevoked);
  EXPECT_EQ(StateOfCert(**revocations, kRevokedByDevPki), kRevoked);
  EXPECT_EQ((*revocations)->revoked_count(), 2u);

  fs::rename(moved, crl_dir());
  EXPECT_EQ(RefreshOutcome(**revocations), kUnchanged);
  EXPECT_EQ(StateOfCert(**revocations, kAudit), kRevoked);
}

TEST_F(CertificateRevocationsTest, CrlInDerFormCounts) {
  ASSERT_TRUE(RunDevPkiRevoke(pki(), kAudit));
  const std::string crl = crl_dir() + "/" + CrlName("r1");
  ASSERT_TRUE(
      Shell(absl::StrCat("openssl crl -in '", crl, "' -outform DER -out '", crl,
                         ".der' && mv -f '", crl, ".der' '", crl, "'")));
  ASSERT_NE(ReadFile(crl).rfind("-----BEGIN", 0), 0u) << "still PEM";

  auto revocations = LoadPki();
  ASSERT_TRUE(revocations.ok()) << revocations.status();
  EXPECT_EQ(StateOfCert(**revocations, kAudit), kRevoked);
  EXPECT_EQ(StateOfCert(**revocations, kInspection), kNotRevoked);
  EXPECT_EQ((*revocations)->revoked_count(), 2u);
}

// A CRL of a second dev PKI whose CA has the same name ("SX Dev Root CA") but
// another key, listing this PKI's audit-bureau certificate: only the
// signature tells it apart, and it must not replace this CA's own CRL even
// though its lastUpdate is later.
TEST_F(CertificateRevocationsTest,
       CrlOfAnotherKeyWithTheSameNameIsSkippedAndReported) {
  // Another CA of the same name ("SX Dev Root CA") but another key, as the
  // old CA after a key rollover: its CRL's authority key id names that key.
  const std::string foreign = work_.Sub("foreign-pki");
  ASSERT_TRUE(MakeDevPki(foreign));
  fs::copy_file(absl::StrCat(pki(), "/", kAudit, ".crt"),
                foreign + "/victim.crt");
  ASSERT_TRUE(RevokeInCaDatabase(foreign, "victim"));
  const std::string foreign_crl = CrlName("r1");
  ASSERT_TRUE(PublishCrl(foreign, foreign_crl, absl::Hours(1)));

  auto revocations = LoadPki();
  ASSERT_TRUE(revocations.ok()) << revocations.status();
  fs::copy_file(foreign + "/crl/" + foreign_crl, crl_dir() + "/" + foreign_crl);
  EXPECT_EQ(RefreshOutcome(**revocations), kUnchanged)
      << "the revoked set should not change";
  EXPECT_EQ(StateOfCert(**revocations, kAudit), kNotRevoked);
  EXPECT_EQ(StateOfCert(**revocations, kRevokedByDevPki), kRevoked);
  EXPECT_EQ((*revocations)->revoked_count(), 1u);
  EXPECT_TRUE(SkippedMentions(**revocations, foreign_crl))
      << SkippedText(**revocations);

  // With the other CA configured, its CRL counts, but only for certificates
  // that CA issued: audit-bureau's serial is on it, yet our CA issued
  // audit-bureau's certificate, so it is not revoked.
  revocations = CertificateRevocations::Load(crl_dir(), foreign + "/ca.crt");
  ASSERT_TRUE(revocations.ok()) << revocations.status();
  // Its own negative/revoked and audit-bureau's serial.
  EXPECT_EQ((*revocations)->revoked_count(), 2u);
  EXPECT_EQ(StateOfCert(**revocations, kAudit), kNotRevoked);
  EXPECT_TRUE(SkippedMentions(**revocations, CrlName("r0")))
      << SkippedText(**revocations);
}

TEST_F(CertificateRevocationsTest,
       CrlWithABrokenSignatureFailsTheReadAndKeepsThePrevious) {
  ASSERT_TRUE(RunDevPkiRevoke(pki(), kAudit));
  auto revocations = LoadPki();
  ASSERT_TRUE(revocations.ok()) << revocations.status();
  ASSERT_EQ(StateOfCert(**revocations, kAudit), kRevoked);

  // Our CA's newest CRL in DER with the last byte of its signature flipped:
  // it still parses and names our CA, but its signature fails.
  const std::string der = work_.Sub("newest.der");
  ASSERT_TRUE(
      Shell(absl::StrCat("openssl crl -in '", crl_dir(), "/", CrlName("r1"),
                         "' -outform DER -out '", der, "'")));
  std::string bytes = ReadFile(der);
  ASSERT_FALSE(bytes.empty());
  bytes.back() ^= 0x01;
  ASSERT_TRUE(WriteFile(crl_dir() + "/" + CrlName("r2"), bytes));

  const std::string outcome = RefreshOutcome(**revocations);
  EXPECT_TRUE(absl::StrContains(outcome, CrlName("r2"))) << outcome;
  EXPECT_TRUE(absl::StrContains(outcome, "does not verify")) << outcome;
  EXPECT_EQ(StateOfCert(**revocations, kAudit), kRevoked);
  auto fresh = LoadPki();
  ASSERT_FALSE(fresh.ok());
  EXPECT_TRUE(absl::StrContains(fresh.status().message(), CrlName("r2")))
      << fresh.status();
}

TEST_F(CertificateRevocationsTest, CrlOfACaNotInTheCaFileIsSkippedAndReported) {
  // A CA of another name, as an intermediate CA's CRL would be.
  const std::string other = work_.Sub("other-pki");
  ASSERT_TRUE(MakeDevPki(other));
  ASSERT_TRUE(Shell(absl::StrCat(
      "cd '", other, "' && openssl req -x509 -new -key ca.key -days 30 ",
      "-subj '/CN=Another CA' -out ca.crt >/dev/null 2>&1")));
  ASSERT_TRUE(PublishCrl(other, "0badcafe.r0", absl::Hours(1)));

  auto revocations = LoadPki();
  ASSERT_TRUE(revocations.ok()) << revocations.status();
  fs::copy_file(other + "/crl/0badcafe.r0", crl_dir() + "/0badcafe.r0");
  EXPECT_EQ(RefreshOutcome(**revocations), kUnchanged);
  EXPECT_EQ(StateOfCert(**revocations, kRevokedByDevPki), kRevoked);
  EXPECT_TRUE(SkippedMentions(**revocations, "0badcafe.r0"))
      << SkippedText(**revocations);
}

TEST_F(CertificateRevocationsTest, CaFileWithSeveralCertificatesCountsEach) {
  const std::string bundle = work_.Sub("bundle.crt");
  ASSERT_TRUE(WriteFile(bundle, ReadFile(pki() + "/negative/foreign-ca.crt") +
                                    ReadFile(ca_file())));

  auto revocations = CertificateRevocations::Load(crl_dir(), bundle);
  ASSERT_TRUE(revocations.ok()) << revocations.status();
  EXPECT_EQ(StateOfCert(**revocations, kRevokedByDevPki), kRevoked);
  EXPECT_EQ((*revocations)->revoked_count(), 1u);
}

TEST_F(CertificateRevocationsTest, FilesNotNamedLikeCrlsAreIgnored) {
  // OpenSSL reads only <hash>.rN from the directory; so does the hub.
  ASSERT_TRUE(WriteFile(crl_dir() + "/README", "CRLs of the dev CA.\n"));
  fs::copy_file(absl::StrCat(pki(), "/", kAudit, ".crt"),
                crl_dir() + "/audit-bureau.pem");
  auto revocations = LoadPki();
  ASSERT_TRUE(revocations.ok()) << revocations.status();
  EXPECT_EQ(StateOfCert(**revocations, kRevokedByDevPki), kRevoked);
  EXPECT_EQ((*revocations)->revoked_count(), 1u);
  EXPECT_TRUE((*revocations)->skipped().empty()) << SkippedText(**revocations);
}

TEST_F(CertificateRevocationsTest,
       UnreadableCrlFileFailsTheReadAndKeepsThePrevious) {
  ASSERT_TRUE(RunDevPkiRevoke(pki(), kAudit));
  auto revocations = LoadPki();
  ASSERT_TRUE(revocations.ok()) << revocations.status();
  ASSERT_EQ(StateOfCert(**revocations, kAudit), kRevoked);

  // The newest CRL caught half written: skipping it would bring back
  // audit-bureau, which only it revokes.
  const std::string newest = crl_dir() + "/" + CrlName("r1");
  const std::string whole = ReadFile(newest);
  ASSERT_TRUE(WriteFile(newest, whole.substr(0, whole.size() / 2)));
  const std::string outcome = RefreshOutcome(**revocations);
  EXPECT_TRUE(absl::StrContains(outcome, CrlName("r1"))) << outcome;
  EXPECT_EQ(StateOfCert(**revocations, kAudit), kRevoked);
  // A fresh Load refuses, naming the file.
  auto fresh = LoadPki();
  ASSERT_FALSE(fresh.ok());
  EXPECT_TRUE(absl::StrContains(fresh.status().message(), CrlName("r1")))
      << fresh.status();

  // Once the file is whole again, the next refresh reads it.
  ASSERT_TRUE(WriteFile(newest, whole));
  EXPECT_EQ(RefreshOutcome(**revocations), kUnchanged);
  EXPECT_EQ(StateOfCert(**revocations, kAudit), kRevoked);
}

TEST_F(CertificateRevocationsTest, IsRevokedFailsOnTextThatIsNotACertificate) {
  auto revocations = LoadPki();
  ASSERT_TRUE(revocations.ok()) << revocations.status();

  const std::string audit_pem = Pem(kAudit);
  for (const std::string& text :
       {std::string(), std::string("not a certificate"),
        ReadFile(absl::StrCat(pki(), "/", kAudit, ".key")),
        audit_pem.substr(0, audit_pem.size() / 2)}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE((*revocations)->IsRevoked(text).ok());
  }
  // Still answers for a real certificate afterwards.
  EXPECT_EQ(StateOf(**revocations, audit_pem), kNotRevoked);
}

TEST_F(CertificateRevocationsTest, LoadFailsWhenCaFileHoldsNoCertificate) {
  const std::string text = work_.Sub("text.crt");
  const std::string empty = work_.Sub("empty.crt");
  ASSERT_TRUE(WriteFile(text, "no certificate here\n"));
  ASSERT_TRUE(WriteFile(empty, ""));
  for (const std::string& bad_ca_file :
       {text, empty, pki() + "/ca.key", work_.Sub("missing.crt")}) {
    SCOPED_TRACE(bad_ca_file);
    auto revocations = CertificateRevocations::Load(crl_dir(), bad_ca_file);
    EXPECT_FALSE(revocations.ok());
    if (!revocations.ok()) {
      EXPECT_FALSE(revocations.status().message().empty());
    }
  }
}

TEST_F(CertificateRevocationsTest, LoadFailsWhenDirectoryDoesNotExist) {
  auto revocations =
      CertificateRevocations::Load(work_.Sub("no-such-dir"), ca_file());
  EXPECT_FALSE(revocations.ok());
  if (!revocations.ok()) {
    EXPECT_FALSE(revocations.status().message().empty());
  }
}

TEST_F(CertificateRevocationsTest, NewerCumulativeCrlRevokesBoth) {
  auto revocations = LoadPki();
  ASSERT_TRUE(revocations.ok()) << revocations.status();

  ASSERT_TRUE(RevokeInCaDatabase(pki(), kAudit));
  ASSERT_TRUE(PublishCrl(pki(), CrlName("r1"), absl::Hours(2)));
  EXPECT_EQ(RefreshOutcome(**revocations), kChanged);
  EXPECT_EQ(StateOfCert(**revocations, kAudit), kRevoked);
  EXPECT_EQ(StateOfCert(**revocations, kInspection), kNotRevoked);

  ASSERT_TRUE(RevokeInCaDatabase(pki(), kInspection));
  ASSERT_TRUE(PublishCrl(pki(), CrlName("r2"), absl::Hours(1)));
  EXPECT_EQ(RefreshOutcome(**revocations), kChanged);
  EXPECT_EQ(StateOfCert(**revocations, kAudit), kRevoked);
  EXPECT_EQ(StateOfCert(**revocations, kInspection), kRevoked);
  EXPECT_EQ(StateOfCert(**revocations, kRevokedByDevPki), kRevoked);
  EXPECT_EQ((*revocations)->revoked_count(), 3u);
}

// Of several CRLs of one CA only the latest lastUpdate counts, not their
// union, nor the last file by name: here the newest CRL no longer lists
// audit-bureau (as after the CA lifted a hold), and it sits in .r1 before an
// older .r2 that does.
TEST_F(CertificateRevocationsTest, CrlWithLatestLastUpdateCountsAlone) {
  const std::string index = pki() + "/.ca-db/ca/index.txt";
  const std::string index_before = work_.Sub("index.txt.before");
  fs::copy_file(index, index_before);
  ASSERT_TRUE(RevokeInCaDatabase(pki(), kAudit));
  ASSERT_TRUE(PublishCrl(pki(), CrlName("r2"), absl::Hours(2)));

  auto revocations = LoadPki();
  ASSERT_TRUE(revocations.ok()) << revocations.status();
  ASSERT_EQ(StateOfCert(**revocations, kAudit), kRevoked);

  fs::copy_file(index_before, index, fs::copy_options::overwrite_existing);
  ASSERT_TRUE(PublishCrl(pki(), CrlName("r1"), absl::Hours(1)));
  EXPECT_EQ(RefreshOutcome(**revocations), kChanged);
  EXPECT_EQ(StateOfCert(**revocations, kAudit), kNotRevoked);
  EXPECT_EQ(StateOfCert(**revocations, kRevokedByDevPki), kRevoked);
  EXPECT_EQ((*revocations)->revoked_count(), 1u);

  revocations = LoadPki();
  ASSERT_TRUE(revocations.ok()) << revocations.status();
  EXPECT_EQ(StateOfCert(**revocations, kAudit), kNotRevoked);
  EXPECT_EQ((*revocations)->revoked_count(), 1u);
}

}  // namespace
}  // namespace sx::server
