#include "sx/encryption/key_ring.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"
#include "sx/base/status_macros.h"

namespace sx::encryption {
namespace {

constexpr size_t kSecretBytes = 32;
constexpr size_t kSecretHexDigits = 2 * kSecretBytes;
constexpr size_t kFingerprintHexDigits = 16;
constexpr char kFingerprintLabel[] = "sxhub key fingerprint";
// Separators between a line's name and key; a name holds none of them.
constexpr char kFieldSeparators[] = " \t\v\f\r";

void Cleanse(std::string& bytes) {
  OPENSSL_cleanse(bytes.data(), bytes.size());
}

// Owns an open file descriptor.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }

  int get() const { return fd_; }

 private:
  const int fd_;
};

absl::Status KeyFileError(absl::string_view what, const std::string& path,
                          int error) {
  return absl::FailedPreconditionError(
      absl::StrCat("cannot ", what, " the key file ", path, ": ",
                   std::generic_category().message(error)));
}

absl::Status CheckOnlyOwnerMayUse(const std::string& path,
                                  const struct stat& status) {
  if (!S_ISREG(status.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the key file ", path, " is not a regular file"));
  }
  // Whoever owns the file may change it: put a key of their own first, and
  // read everything written from then on.
  if (status.st_uid != geteuid()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the key file ", path, " belongs to user ", status.st_uid,
                     ", not to the hub's user (", geteuid(), "); chown it"));
  }
  const unsigned mode = status.st_mode & 07777;
  if ((mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "the key file %s is %s by others (mode %04o); chmod 600 it", path,
        (mode & 044) != 0 ? "readable" : "accessible", mode));
  }
  return absl::OkStatus();
}

// The whole file, checked before it is read: the mode is taken from the
// descriptor that is read, so the file cannot be swapped in between.
absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  // O_NONBLOCK: a FIFO under the key file's name must not hang the hub
  // before the regular-file check refuses it.
  FileDescriptor file(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (file.get() < 0) return KeyFileError("open", path, errno);
  struct stat status;
  if (fstat(file.get(), &status) != 0) {
    return KeyFileError("examine", path, errno);
  }
  SX_RETURN_IF_ERROR(CheckOnlyOwnerMayUse(path, status));

  // Sized once, so that no reallocation leaves a stray copy of a key behind.
  std::string text(static_cast<size_t>(status.st_size), '\0');
  size_t filled = 0;
  while (filled < text.size()) {
    const ssize_t count =
        read(file.get(), text.data() + filled, text.size() - filled);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) {
      const int error = errno;
      Cleanse(text);
      return KeyFileError("read", path, error);
    }
    if (count == 0) break;  // The file shrank since fstat.
    filled += static_cast<size_t>(count);
  }
  text.resize(filled);
  return text;
}

bool IsHexDigit(char c) {
  return absl::ascii_isxdigit(static_cast<unsigned char>(c));
}

// One "NAME HEX" line, already stripped of surrounding whitespace. The
// message never quotes the line: a line in the wrong shape may be a key.
absl::StatusOr<KeyEncryptionKey> ParseKeyLine(absl::string_view line) {
  const std::vector<absl::string_view> fields = absl::StrSplit(
      line, absl::ByAnyChar(kFieldSeparators), absl::SkipEmpty());
  if (fields.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected two fields, \"NAME HEX\" (a key name and ", kSecretHexDigits,
        " hex digits); the line has ", fields.size()));
  }
  const absl::string_view hex = fields[1];
  if (hex.size() != kSecretHexDigits || !absl::c_all_of(hex, IsHexDigit)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the key is not ", kSecretHexDigits, " hex digits (", hex.size(),
        " characters, ", absl::c_count_if(hex, IsHexDigit), " of them hex)"));
  }
  KeyEncryptionKey key;
  key.name = std::string(fields[0]);
  key.secret = absl::HexStringToBytes(hex);
  key.fingerprint = KeyFingerprint(key.secret);
  return key;
}

// Names and keys are each used once: a repeated name would make rotation
// ambiguous to the operator, a repeated key would give Find two answers.
absl::Status CheckUnique(absl::Span<const KeyEncryptionKey> earlier_keys,
                         const std::vector<int>& line_numbers,
                         const KeyEncryptionKey& key) {
  for (size_t i = 0; i < earlier_keys.size(); ++i) {
    if (earlier_keys[i].name == key.name) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the key name is used already on line ", line_numbers[i]));
    }
    if (earlier_keys[i].fingerprint == key.fingerprint) {
      return absl::InvalidArgumentError(
          absl::StrCat("the same key as on line ", line_numbers[i],
                       " (each key may be listed once)"));
    }
  }
  return absl::OkStatus();
}

absl::Status AtLine(absl::string_view origin, int line_number,
                    const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(origin, ":", line_number,
                                                  ": ", status.message()));
}

}  // namespace

absl::StatusOr<KeyRing> KeyRing::LoadFile(const std::string& path) {
  SX_ASSIGN_OR_RETURN(std::string text, ReadKeyFile(path));
  absl::StatusOr<KeyRing> ring = Parse(text, path);
  Cleanse(text);
  return ring;
}

absl::StatusOr<KeyRing> KeyRing::Parse(absl::string_view text,
                                       absl::string_view origin) {
  // Keys collect in a ring from the start, so that its destructor wipes
  // them on every early return too.
  KeyRing ring(std::vector<KeyEncryptionKey>{});
  std::vector<int> line_numbers;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    absl::StatusOr<KeyEncryptionKey> key = ParseKeyLine(line);
    if (!key.ok()) return AtLine(origin, line_number, key.status());
    ring.keys_.push_back(*std::move(key));
    const absl::Status unique =
        CheckUnique(absl::MakeConstSpan(ring.keys_).first(line_numbers.size()),
                    line_numbers, ring.keys_.back());
    if (!unique.ok()) return AtLine(origin, line_number, unique);
    line_numbers.push_back(line_number);
  }
  if (ring.keys_.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(origin, " holds no key (one \"NAME HEX\" line per key, ",
                     kSecretHexDigits, " hex digits of random bytes)"));
  }
  return ring;
}

KeyRing::~KeyRing() {
  for (KeyEncryptionKey& key : keys_) Cleanse(key.secret);
}

const KeyEncryptionKey* KeyRing::Find(absl::string_view fingerprint) const {
  for (const KeyEncryptionKey& key : keys_) {
    if (key.fingerprint == fingerprint) return &key;
  }
  return nullptr;
}

std::string KeyFingerprint(absl::string_view secret) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // HMAC only fails if OpenSSL cannot allocate; a key without a fingerprint
  // could be neither recorded nor found, so there is no sensible way on.
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(kFingerprintLabel),
           sizeof(kFingerprintLabel) - 1, mac, &length) == nullptr ||
      length < kFingerprintHexDigits / 2) {
    std::abort();
  }
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(mac), kFingerprintHexDigits / 2));
}

}  // namespace sx::encryption
