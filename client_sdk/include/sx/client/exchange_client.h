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
// fake in their own tests (see ExchangeClient's comment on how such fakes
// survive SDK upgrades).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sx/client/client_options.h"
#include "sx/client/export.h"
#include "sx/client/types.h"

namespace sx::client {

// Per-call choices for mutating calls.
struct CallOptions {
  // Empty: the SDK generates one. Set it to make retries safe across restarts
  // of your own program (e.g. derive it from your own record id).
  std::string request_id;
};

// An open inbox stream. Not thread-safe except Cancel().
//
// Every method has a default, as ExchangeClient's have, so that a fake stream
// overrides only what its test needs: Next() reports the end at once,
// Cancel() does nothing, and Finish() is UNIMPLEMENTED.
class SX_CLIENT_EXPORT InboxStream {
 public:
  virtual ~InboxStream();
  // Blocks until the next entry arrives. Returns false when the stream ended;
  // then Finish() tells why.
  virtual bool Next(InboxEntry* entry);
  // Ends the stream from any thread; Next() then returns false.
  virtual void Cancel();
  // Why the stream ended (CANCELLED after Cancel()).
  virtual absl::Status Finish();
};

// What SubmitAsync reports: the referral as the hub recorded it, or why not.
using SubmitCallback = std::function<void(absl::StatusOr<Referral>)>;

// One referral of a SubmitBatch, with the request id that makes its retry
// safe (empty: the SDK makes one).
struct BatchSubmission {
  NewReferral referral;
  std::string request_id;
};
// Per submission, in order: the referral, or why that one was refused.
using BatchResults = std::vector<absl::StatusOr<Referral>>;

// Which of a referral's steps ListSteps reads, oldest first.
struct ReferralStepsQuery {
  std::string referral_id;
  uint32_t page_size = 0;  // 0: the hub's default (1000); at most 1000
  std::string page_token;
};

// One page of a referral's steps: its events, each with the acting agency's
// step signature if it signed (see StepSignature in types.h), and the
// signing certificates those signatures name, so that a party can check
// offline, against the CAs that issue signing certificates, which agency
// asked for each step.
struct ReferralSteps {
  // Oldest first. Digests of the content each step carried, never the
  // content itself.
  std::vector<Event> events;
  // DER, each once per page: those the page's step signatures name (by the
  // SHA-256 of the DER, StepSignature::certificate_sha256).
  std::vector<std::string> signing_certificates;
  std::string next_page_token;  // empty at the end
};

// Thread-safe: one client may serve many threads.
//
// No method is pure virtual: each has a default that fails with
// UNIMPLEMENTED ("ExchangeClient::Reroute is not implemented by this
// client"), defined in the SDK library. A fake in an agency's tests overrides
// only the calls the test makes, and methods that later SDK versions add
// will always come with such a default, so that those fakes keep compiling
// (the way google-cloud-cpp's *Connection classes grow). ConnectExchangeClient
// returns a client that implements every method.
class SX_CLIENT_EXPORT ExchangeClient {
 public:
  virtual ~ExchangeClient();

  // 移送.
  virtual absl::StatusOr<Referral> Submit(const NewReferral& referral,
                                          const CallOptions& options = {});
  // 移送 without a waiting thread: returns at once, and `done` runs exactly
  // once with what Submit would have returned (same retries, same request-id
  // rule). For programs that keep many submits in flight, e.g. a bulk
  // transfer: one thread can keep hundreds going on the client's one
  // connection, where Submit needs a thread for each. Under load the SDK
  // gathers them into SubmitReferrals calls (ClientOptions::submit_batching):
  // a submit while none is on its way goes out at once, alone; the others
  // wait at most submit_batching.max_hold. `done` runs on an SDK
  // thread (or, if the call fails at once, before SubmitAsync returns); keep
  // it short, since other calls' results wait behind it. Nothing bounds the
  // number in flight: pace the calls with the callbacks. Destroying the
  // client waits until every call in flight has run its `done` (with the hub
  // down, until their retries give up), so never destroy it from inside one.
  // The default runs Submit on the calling thread, and so blocks until the
  // result is there: a fake that overrides Submit gets this for free.
  virtual void SubmitAsync(const NewReferral& referral, SubmitCallback done,
                           const CallOptions& options = {});
  // 移送 of many referrals in one call (SubmitReferrals): each is taken as
  // Submit would take it, with its own request id, checks and result; one
  // refused does not refuse the others. The call is retried as a whole with
  // the same request ids, so an item the hub kept before a lost reply
  // returns its first result. Fails as a whole only for an empty batch or
  // one over the hub's limits.max_batch_submits (INVALID_ARGUMENT), the
  // message size, or the connection.
  virtual absl::StatusOr<BatchResults> SubmitBatch(
      const std::vector<BatchSubmission>& submissions);
  virtual absl::StatusOr<Referral> Get(const std::string& referral_id,
                                       bool include_attachment_content = false);
  virtual absl::StatusOr<ReferralPage> List(const ListQuery& query);
  // 签收.
  virtual absl::StatusOr<Referral> Accept(const std::string& referral_id,
                                          const CallOptions& options = {});
  // 退回.
  virtual absl::StatusOr<Referral> Return(const ReturnParams& params,
                                          const CallOptions& options = {});
  // 转办: the reply is the parent; child_referral_id names the new referral.
  virtual absl::StatusOr<Referral> Reroute(const RerouteParams& params,
                                           const CallOptions& options = {});
  // 处置 with the method alone: Dispose(DisposeParams) with only referral_id
  // and method set, which the default calls. Kept for programs written
  // before DisposeParams; a fake that overrides the other Dispose gets this
  // one for free (say `using ExchangeClient::Dispose;` to keep it visible).
  virtual absl::StatusOr<Referral> Dispose(const std::string& referral_id,
                                           DispositionMethod method,
                                           const CallOptions& options = {});
  // 处置 (recipient): the method with its handler and approval (see
  // DisposeParams); kKeptPending (暂存待查) with its review date.
  virtual absl::StatusOr<Referral> Dispose(const DisposeParams& params,
                                           const CallOptions& options = {});
  // 重新启用 (recipient): kept pending → disposing, with the reason; the
  // feedback deadline moves on by the time the referral was kept pending.
  virtual absl::StatusOr<Referral> Reopen(const ReopenParams& params,
                                          const CallOptions& options = {});
  // 交办 / 分办 (recipient): hands work to another agency as a child referral
  // while the caller stays answerable (see DelegateParams). The reply is the
  // parent; the last of its delegated_referral_ids names the child. Final
  // feedback on the parent waits until every child has sent its own or
  // ended, and may cite them (Feedback::cites_referral_ids).
  virtual absl::StatusOr<Referral> Delegate(const DelegateParams& params,
                                            const CallOptions& options = {});
  // 反馈 (interim or final, by feedback.kind).
  virtual absl::StatusOr<Referral> SendFeedback(
      const std::string& referral_id, const Feedback& feedback,
      const CallOptions& options = {});
  // 销号.
  virtual absl::StatusOr<Referral> Close(const std::string& referral_id,
                                         const CallOptions& options = {});
  // 退回补充 (sender): final feedback → disposing again, with the reason; the
  // feedback deadline stands again.
  virtual absl::StatusOr<Referral> RejectFeedback(
      const RejectFeedbackParams& params, const CallOptions& options = {});
  // 撤回.
  virtual absl::StatusOr<Referral> Withdraw(const WithdrawParams& params,
                                            const CallOptions& options = {});
  // 催办 / 督办 / 挂牌督办, at RemindParams::level; the reply's
  // supervision_level is the highest any reminder on it reached.
  virtual absl::StatusOr<Referral> Remind(const RemindParams& params,
                                          const CallOptions& options = {});
  // Reads the caller's inbox without taking delivery: no delivery attempt is
  // counted and nothing is acknowledged, however often it is called (only a
  // stream from OpenInbox hands entries over). For looking, not consuming.
  virtual absl::StatusOr<InboxPage> PeekInbox(const PeekInboxParams& params);
  // Acknowledges inbox entries; returns how many were still unacknowledged.
  virtual absl::StatusOr<uint32_t> Ack(const std::vector<uint64_t>& sequences);
  // Opens the caller's inbox stream after `after_sequence` (0: from the oldest
  // unacknowledged entry). No deadline: it stays open until cancelled. Never
  // null: the default returns a stream that has already ended, whose Finish()
  // is UNIMPLEMENTED.
  virtual std::unique_ptr<InboxStream> OpenInbox(uint64_t after_sequence = 0);

  // The rectification ledger of a problem list (整改台账), item by item; see
  // the comment before RectificationUpdate in types.h. Each step returns the
  // referral with the ledger's new counts and the items it changed.
  //
  // Adds items (sender), e.g. a second round of feedback; allowed until the
  // referral ends, also after final feedback (it then cannot be closed until
  // the new items are settled).
  virtual absl::StatusOr<RectificationStepResult> AddRectificationItems(
      const AddRectificationItemsParams& params,
      const CallOptions& options = {});
  // Reports on one item (recipient, once the referral is accepted): progress,
  // done or continuing effort.
  virtual absl::StatusOr<RectificationStepResult> ReportRectification(
      const ReportRectificationParams& params, const CallOptions& options = {});
  // Verifies or rejects a reported item (sender).
  virtual absl::StatusOr<RectificationStepResult> VerifyRectification(
      const VerifyRectificationParams& params, const CallOptions& options = {});
  // Reads a page of a ledger's items, in number order, with its counts.
  // Parties and observers of the referral only.
  virtual absl::StatusOr<RectificationItemPage> ListRectificationItems(
      const RectificationItemQuery& query);

  // 通报 / 分送: one notice or problem list to many units (see the comment
  // before NewDistribution in types.h).
  //
  // Sends the lead, and a problem list's first items, to every recipient as
  // its own referral, all or none: if the route to any recipient is refused,
  // nothing is sent to anyone and the error names that recipient. The reply
  // lists the new referrals (state submitted) in the recipients' order.
  virtual absl::StatusOr<Distribution> SubmitDistribution(
      const NewDistribution& distribution, const CallOptions& options = {});
  // Where a distribution stands: progress and each recipient's referral
  // (without the lead). The sender only.
  virtual absl::StatusOr<Distribution> GetDistribution(
      const std::string& distribution_id);
  // The caller's distributions, newest first, with progress but no members.
  virtual absl::StatusOr<DistributionPage> ListDistributions(
      const DistributionQuery& query);

  // 统计: figures per unit for a period (see the comment before
  // StatisticsQuery in types.h). An agency sees its own; a supervising agency
  // every unit's. AdminClient and AuditClient offer the same call.
  virtual absl::StatusOr<Statistics> GetStatistics(
      const StatisticsQuery& query);

  // 督办台账: the open referrals that are overdue, warned or pressed, with
  // their subjects (see the comment before SupervisionLedgerQuery in
  // types.h). Supervising agencies only (config `supervisor: true`):
  // PERMISSION_DENIED for any other. INVALID_ARGUMENT for a malformed page
  // token, NOT_FOUND for an unknown recipient_agency_id.
  virtual absl::StatusOr<SupervisionLedgerPage> ListSupervisedReferrals(
      const SupervisionLedgerQuery& query);

  // The referral's events (its steps), oldest first, each with the acting
  // agency's step signature if it signed, and the signing certificates those
  // name: what a party needs to check who asked for each step (sxctl show
  // --verify-signatures). Whoever may Get the referral may read its steps.
  // Last, after the methods of earlier SDK versions, so that their vtable
  // slots stay where they were.
  virtual absl::StatusOr<ReferralSteps> ListSteps(
      const ReferralStepsQuery& query);
};

// Connects over mutual TLS.
// Before connecting it checks what it can itself:
// INVALID_ARGUMENT for an unreadable file, an address without a port, a PEM
// that does not parse or a key that is not the certificate's;
// UNAUTHENTICATED for a certificate the hub would refuse for what it
// carries (expired, not yet valid, not exactly one URI SAN). The connection
// itself is made lazily, on the first call.
SX_CLIENT_EXPORT absl::StatusOr<std::unique_ptr<ExchangeClient>>
ConnectExchangeClient(const ClientOptions& options);

// A new random request id (UUID version 4 form).
SX_CLIENT_EXPORT std::string NewRequestId();

}  // namespace sx::client
