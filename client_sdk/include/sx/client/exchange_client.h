// The C++ SDK of the supervision exchange hub: one call per exchange action,
// results as absl::StatusOr, no exceptions, no generated types.
//
//   sx::client::ClientOptions options;
//   options.hub_address = "127.0.0.1:7443";
//   options.certificate_file = "pki/inspection-office.crt";
//   options.private_key_file = "pki/inspection-office.key";
//   options.ca_file = "pki/ca.crt";
//   auto client = sx::client::ConnectExchangeClient(options);
//   if (!client.ok()) return client.status();
//   absl::StatusOr<sx::client::Referral> sent = (*client)->Submit(referral);
//
// Retries: calls that fail with UNAVAILABLE or DEADLINE_EXCEEDED are retried
// with exponential backoff. Every mutating call carries a request id, chosen
// by the SDK (or by the caller through CallOptions) and kept across retries,
// so the hub applies the call once however often it is retried.
//
// ExchangeClient is an interface so that agency programs can substitute a
// fake in their own tests.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sx/client/client_options.h"
#include "sx/client/types.h"

namespace sx::client {

// Per-call choices for mutating calls.
struct CallOptions {
  // Empty: the SDK generates one. Set it to make retries safe across restarts
  // of your own program (e.g. derive it from your own record id).
  std::string request_id;
};

// An open inbox stream. Not thread-safe except Cancel().
class InboxStream {
 public:
  virtual ~InboxStream() = default;
  // Blocks until the next entry arrives. Returns false when the stream ended;
  // then Finish() tells why.
  virtual bool Next(InboxEntry* entry) = 0;
  // Ends the stream from any thread; Next() then returns false.
  virtual void Cancel() = 0;
  // Why the stream ended (CANCELLED after Cancel()).
  virtual absl::Status Finish() = 0;
};

// What SubmitAsync reports: the referral as the hub recorded it, or why not.
using SubmitCallback = std::function<void(absl::StatusOr<Referral>)>;

// Thread-safe: one client may serve many threads.
class ExchangeClient {
 public:
  virtual ~ExchangeClient() = default;

  // 移送.
  virtual absl::StatusOr<Referral> Submit(const NewReferral& referral,
                                          const CallOptions& options = {}) = 0;
  // 移送 without a waiting thread: returns at once, and `done` runs exactly
  // once with what Submit would have returned (same retries, same request-id
  // rule). For programs that keep many submits in flight, e.g. a bulk
  // transfer: one thread can keep hundreds going on the client's one
  // connection, where Submit needs a thread for each. `done` runs on an SDK
  // thread (or, if the call fails at once, before SubmitAsync returns); keep
  // it short, since other calls' results wait behind it. Nothing bounds the
  // number in flight: pace the calls with the callbacks. Destroying the
  // client waits until every call in flight has run its `done` (with the hub
  // down, until their retries give up), so never destroy it from inside one.
  // The default runs Submit on the calling thread, and so blocks until the
  // result is there: it exists so that a fake need not implement this.
  virtual void SubmitAsync(const NewReferral& referral, SubmitCallback done,
                           const CallOptions& options = {}) {
    done(Submit(referral, options));
  }
  virtual absl::StatusOr<Referral> Get(const std::string& referral_id,
                                       bool include_attachment_content = false) = 0;
  virtual absl::StatusOr<ReferralPage> List(const ListQuery& query) = 0;
  // 签收.
  virtual absl::StatusOr<Referral> Accept(const std::string& referral_id,
                                          const CallOptions& options = {}) = 0;
  // 退回.
  virtual absl::StatusOr<Referral> Return(const std::string& referral_id,
                                          const std::string& reason,
                                          const CallOptions& options = {}) = 0;
  // 转办: the reply is the parent; child_referral_id names the new referral.
  virtual absl::StatusOr<Referral> Reroute(const std::string& referral_id,
                                           const std::string& target_agency_id,
                                           const std::string& reason,
                                           const CallOptions& options = {}) = 0;
  // 处置.
  virtual absl::StatusOr<Referral> Dispose(const std::string& referral_id,
                                           DispositionMethod method,
                                           const CallOptions& options = {}) = 0;
  // 反馈 (interim or final, by feedback.kind).
  virtual absl::StatusOr<Referral> SendFeedback(const std::string& referral_id,
                                                const Feedback& feedback,
                                                const CallOptions& options = {}) = 0;
  // 销号.
  virtual absl::StatusOr<Referral> Close(const std::string& referral_id,
                                         const CallOptions& options = {}) = 0;
  // 撤回.
  virtual absl::StatusOr<Referral> Withdraw(const std::string& referral_id,
                                            const std::string& reason,
                                            const CallOptions& options = {}) = 0;
  // 催办 / 督办.
  virtual absl::StatusOr<Referral> Remind(const std::string& referral_id,
                                          const std::string& text,
                                          const CallOptions& options = {}) = 0;
  // Acknowledges inbox entries; returns how many were still unacknowledged.
  virtual absl::StatusOr<uint32_t> Ack(const std::vector<uint64_t>& sequences) = 0;
  // Opens the caller's inbox stream after `after_sequence` (0: from the oldest
  // unacknowledged entry). No deadline: it stays open until cancelled.
  virtual std::unique_ptr<InboxStream> OpenInbox(uint64_t after_sequence = 0) = 0;
};

// Connects over mutual TLS. Fails if the certificate files cannot be read;
// the connection itself is made lazily, on the first call.
absl::StatusOr<std::unique_ptr<ExchangeClient>> ConnectExchangeClient(
    const ClientOptions& options);

// A new random request id (UUID version 4 form).
std::string NewRequestId();

}  // namespace sx::client
