#include "client_sdk/sxctl/audit_files.h"

#include <string>

#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"

namespace sx::sxctl {
namespace {

constexpr char kText[] =
    "sxhub-checkpoint/v1\n"
    "origin demo\n"
    "hash sha256\n"
    "size 2\n"
    "root J3XVzkTOvD0gL+ppWo536Zv/tIPs3Kx3zKz1dChuZrM=\n"
    "time 2026-11-26T23:22:45Z\n";

client::SignedCheckpoint Checkpoint() {
  client::SignedCheckpoint checkpoint;
  checkpoint.text = kText;
  checkpoint.signature = std::string("\x30\x45\x02\x00\xff", 5);
  checkpoint.tree_size = 2;
  return checkpoint;
}

client::EventExport Export() {
  client::EventExport exported;
  exported.checkpoint = Checkpoint();
  exported.events.push_back({std::string("\x08\x01\x00", 3), {0, 2, {"h1"}}});
  exported.events.push_back({"event two", {1, 2, {"h0"}}});
  return exported;
}

TEST(CheckpointFileTest, IsTheSignedTextThenASignatureLine) {
  const std::string file = FormatCheckpointFile(Checkpoint());
  EXPECT_EQ(file, std::string(kText) + "\xE2\x80\x94 signature MEUCAP8=\n");
  absl::StatusOr<client::SignedCheckpoint> read =
      ParseCheckpointFile(file, "cp.txt");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->text, kText) << "the signed text, byte for byte";
  EXPECT_EQ(read->signature, Checkpoint().signature);
  EXPECT_EQ(read->tree_size, 0u) << "only the verified text says the size";
}

TEST(CheckpointFileTest, RefusesWhatItDidNotWrite) {
  const std::string file = FormatCheckpointFile(Checkpoint());
  for (const std::string& bad : {
           std::string(kText),
           absl::StrReplaceAll(file, {{"MEUCAP8=", "not base64!"}}),
           file + "trailing\n",
           std::string("\xE2\x80\x94 signature MEUCAP8=\n"),
       }) {
    absl::StatusOr<client::SignedCheckpoint> read =
        ParseCheckpointFile(bad, "cp.txt");
    EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(read.status().message().find("cp.txt"), absl::string_view::npos);
  }
}

TEST(ExportFileTest, RoundTrips) {
  const std::string text = FormatExportFile(Export());
  absl::StatusOr<ExportFile> file = ParseExportFile(text, "export.txt");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->first_sequence, 1u);
  EXPECT_EQ(file->last_sequence, 2u);
  EXPECT_EQ(file->contents.checkpoint.text, kText);
  ASSERT_EQ(file->contents.events.size(), 2u);
  EXPECT_EQ(file->contents.events[0].event_bytes,
            std::string("\x08\x01\x00", 3));
  EXPECT_EQ(file->contents.events[1].event_bytes, "event two");
  EXPECT_EQ(file->contents.events[1].proof.leaf_index, 1u);
  EXPECT_EQ(file->contents.events[1].proof.tree_size, 2u);
  EXPECT_EQ(file->contents.events[1].proof.hashes,
            std::vector<std::string>{"h0"});
}

TEST(ExportFileTest, OldFilesHaveNoSigningCertificates) {
  const std::string text = FormatExportFile(Export());
  EXPECT_EQ(text.find("signing-certificate"), std::string::npos);
  absl::StatusOr<ExportFile> file = ParseExportFile(text, "export.txt");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->contents.events.size(), 2u);
  EXPECT_TRUE(file->contents.signing_certificates.empty());
}

TEST(ExportFileTest, SigningCertificatesFollowTheEventsAndRoundTrip) {
  client::EventExport exported = Export();
  exported.signing_certificates = {std::string("\x30\x82\x01\x00", 4),
                                   "second certificate"};
  const std::string text = FormatExportFile(exported);
  EXPECT_NE(text.find("event 1 2 ZXZlbnQgdHdv aDA=\n"
                      "signing-certificate MIIBAA==\n"
                      "signing-certificate c2Vjb25kIGNlcnRpZmljYXRl\n"),
            std::string::npos)
      << text;
  absl::StatusOr<ExportFile> file = ParseExportFile(text, "export.txt");
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_EQ(file->contents.events.size(), 2u);
  EXPECT_EQ(file->contents.events[1].event_bytes, "event two");
  EXPECT_EQ(file->contents.signing_certificates, exported.signing_certificates);
}

TEST(ExportFileTest, RefusesMalformedSigningCertificateLines) {
  client::EventExport exported = Export();
  exported.signing_certificates = {"certificate"};
  const std::string text = FormatExportFile(exported);
  struct Case {
    std::string text;
    std::string line;
  };
  for (const Case& bad : {
           Case{text + "signing-certificate not!base64\n", "line 13"},
           Case{text + "signing-certificate\n", "line 13"},
           Case{text + "signing-certificate Y2VydA== Y2VydA==\n", "line 13"},
           Case{text + "signing-certificates Y2VydA==\n", "line 13"},
           // The certificates come last.
           Case{text + "event 1 2 ZXZlbnQgdHdv aDA=\n", "line 13"},
       }) {
    absl::StatusOr<ExportFile> file = ParseExportFile(bad.text, "export.txt");
    EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument)
        << bad.text;
    EXPECT_NE(file.status().message().find("export.txt " + bad.line),
              absl::string_view::npos)
        << file.status();
  }
}

TEST(ExportFileTest, ErrorsNameTheLine) {
  const std::string text = FormatExportFile(Export());
  struct Case {
    std::string text;
    std::string line;
  };
  for (const Case& bad : {
           Case{"sxctl-event-export/v2\n", "line 1"},
           Case{absl::StrReplaceAll(text, {{"range 1 2", "range one"}}),
                "line 2"},
           Case{absl::StrReplaceAll(text, {{"event 1 2", "event x 2"}}),
                "line 11"},
           Case{text + "event 2 2\n", "line 12"},
           Case{absl::StrReplaceAll(text, {{" aDE=", " a!b"}}), "line 10"},
       }) {
    absl::StatusOr<ExportFile> file = ParseExportFile(bad.text, "export.txt");
    EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument)
        << bad.text;
    EXPECT_NE(file.status().message().find("export.txt " + bad.line),
              absl::string_view::npos)
        << file.status();
  }
}

}  // namespace
}  // namespace sx::sxctl
