// --mode=hub and --mode=echo: SubmitReferral through the SDK, `inflight`
// calls in flight on one mTLS connection (one ExchangeClient, as an agency
// program would have): chains of SubmitAsync, or with --submit=blocking one
// thread per call running the blocking Submit. With --consumers, an
// InboxConsumer per recipient streams and acknowledges the inbox (in
// batches, from its own acknowledging thread) and times each new referral's
// arrival; with --ack=batched, a raw inbox stream
// per recipient is read by one thread and acknowledged in batches by another,
// without InboxConsumer's handler and redelivery bookkeeping: a reference
// point for what the SDK's consumer costs.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "bench/bench_target.h"
#include "bench/delivery_tracker.h"
#include "sx/client/exchange_client.h"
#include "sx/client/inbox_consumer.h"

namespace sx::bench {
namespace {

using client::ExchangeClient;

client::ClientOptions ConnectionFor(const BenchOptions& options,
                                    const std::string& cert_file,
                                    const std::string& key_file) {
  client::ClientOptions connection;
  connection.hub_address = options.address;
  connection.certificate_file = cert_file;
  connection.private_key_file = key_file;
  connection.ca_file = options.ca_file;
  connection.server_name_override = options.server_name;
  connection.signing.key_file = options.signing_key_file;
  connection.signing.certificate_file = options.signing_cert_file;
  // One SubmitReferral per SubmitAsync unless the run measures the SDK's
  // gathering: the unary rows must stay unary.
  if (!options.gathered_submits) connection.submit_batching.max_count = 1;
  return connection;
}

// A realistic lead whose attachment (or summary) carries the payload.
client::NewReferral MakeReferral(const BenchOptions& options,
                                 const std::string& recipient) {
  client::NewReferral referral;
  referral.recipient_agency_id = recipient;
  referral.kind = client::ReferralKind::kLead;
  client::Lead& lead = referral.lead;
  lead.subject = "县土地储备中心";
  lead.subject_organization = "县自然资源局";
  lead.category = "进一步了解关注类";
  lead.source = "巡察个别谈话";
  lead.sensitivity = client::Sensitivity::kSensitive;
  lead.urgency = client::Urgency::kNormal;
  if (options.payload_in_summary) {
    // Summaries are text: printable filler of the payload's size.
    lead.summary.assign(options.payload_bytes, 'x');
    std::memcpy(lead.summary.data(), "sxbench ", 8);
  } else {
    lead.summary = "通过个人账户收取土地出让金（sxbench 负载）";
    client::Attachment attachment;
    attachment.name = "evidence.bin";
    attachment.media_type = "application/octet-stream";
    attachment.content = MakePayload(options.payload_bytes, 0);
    lead.attachments.push_back(std::move(attachment));
  }
  return referral;
}

class ExchangeTarget final : public BenchTarget {
 public:
  explicit ExchangeTarget(const BenchOptions& options) : options_(options) {
    for (const std::string& recipient : options.recipients) {
      referrals_.push_back(MakeReferral(options, recipient));
    }
  }

  ~ExchangeTarget() override { StopConsumers().IgnoreError(); }

  absl::Status Prepare() override {
    absl::StatusOr<std::unique_ptr<ExchangeClient>> connected =
        client::ConnectExchangeClient(
            ConnectionFor(options_, options_.cert_file, options_.key_file));
    if (!connected.ok()) return connected.status();
    client_ = *std::move(connected);
    // One submit per recipient before the clock starts: the handshake, and
    // an early, clear error for a refused route or identity.
    for (const client::NewReferral& referral : referrals_) {
      absl::StatusOr<client::Referral> probe = client_->Submit(referral);
      if (!probe.ok()) {
        return absl::Status(
            probe.status().code(),
            absl::StrCat("first submit to ", options_.address,
                         " failed: ", probe.status().message()));
      }
      tracker_.Submitted(probe->referral_id, Clock::now(), /*measured=*/false);
    }
    if (options_.consumers) return StartConsumers();
    return absl::OkStatus();
  }

  absl::Status Run(LoadPhases& phases, OperationLog& log) override {
    if (options_.batch > 0) {
      RunBatched(phases, log);
    } else if (options_.blocking_submits) {
      RunBlocking(phases, log);
    } else {
      RunAsync(phases, log);
    }
    return absl::OkStatus();
  }

  std::optional<DeliveryReport> FinishDelivery(
      Clock::time_point measure_start) override {
    if (!options_.consumers) return std::nullopt;
    tracker_.WaitForAll(options_.drain_timeout);
    absl::Status stopped = StopConsumers();
    DeliveryReport report = tracker_.Report(measure_start);
    if (!stopped.ok()) {
      std::fprintf(stderr, "sxbench: inbox consumer: %s\n",
                   stopped.ToString().c_str());
    }
    return report;
  }

 private:
  const client::NewReferral& ReferralForTurn(size_t turn) const {
    return referrals_[turn % referrals_.size()];
  }

  void Completed(Phase phase, Clock::time_point sent,
                 const absl::StatusOr<client::Referral>& submitted,
                 OperationLog& log) {
    const Clock::time_point done = Clock::now();
    const bool measured = phase == Phase::kMeasured;
    if (measured) log.Record(sent, done, submitted.status());
    if (submitted.ok() && options_.consumers) {
      tracker_.Submitted(submitted->referral_id, sent, measured);
    }
  }

  // `inflight` threads, each calling the blocking Submit in turn.
  void RunBlocking(LoadPhases& phases, OperationLog& log) {
    std::vector<std::thread> workers;
    workers.reserve(options_.inflight);
    for (int worker = 0; worker < options_.inflight; ++worker) {
      workers.emplace_back([this, worker, &phases, &log] {
        for (size_t turn = worker;; ++turn) {
          const Phase phase = phases.Next();
          if (phase == Phase::kStop) return;
          const Clock::time_point sent = Clock::now();
          Completed(phase, sent, client_->Submit(ReferralForTurn(turn)), log);
        }
      });
    }
    for (std::thread& worker : workers) worker.join();
  }

  // `inflight` threads, each sending batches of `batch` referrals with
  // SubmitBatch; every referral of a batch counts as one submit, sent when
  // the batch was.
  void RunBatched(LoadPhases& phases, OperationLog& log) {
    std::vector<std::thread> workers;
    workers.reserve(options_.inflight);
    std::atomic<size_t> turns{0};
    for (int worker = 0; worker < options_.inflight; ++worker) {
      workers.emplace_back([this, &phases, &log, &turns] {
        for (;;) {
          const Phase phase = phases.Next();
          if (phase == Phase::kStop) return;
          std::vector<client::BatchSubmission> batch(
              static_cast<size_t>(options_.batch));
          for (client::BatchSubmission& submission : batch) {
            submission.referral = ReferralForTurn(turns.fetch_add(1));
          }
          const Clock::time_point sent = Clock::now();
          absl::StatusOr<client::BatchResults> results =
              client_->SubmitBatch(batch);
          for (size_t i = 0; i < batch.size(); ++i) {
            Completed(phase, sent,
                      results.ok()
                          ? (*results)[i]
                          : absl::StatusOr<client::Referral>(results.status()),
                      log);
          }
        }
      });
    }
    for (std::thread& worker : workers) worker.join();
  }

  // Shared with the callbacks, which may still be returning when RunAsync
  // does.
  struct AsyncChains {
    absl::Mutex mu;
    int running ABSL_GUARDED_BY(mu) = 0;
    std::atomic<size_t> turns{0};
  };

  // `inflight` chains of SubmitAsync: each call's callback records it and
  // starts the next, on the SDK's threads; this thread only waits.
  void RunAsync(LoadPhases& phases, OperationLog& log) {
    auto chains = std::make_shared<AsyncChains>();
    {
      absl::MutexLock lock(&chains->mu);
      chains->running = options_.inflight;
    }
    for (int chain = 0; chain < options_.inflight; ++chain) {
      StartNext(chains, phases, log);
    }
    absl::MutexLock lock(&chains->mu);
    chains->mu.Await(absl::Condition(
        +[](int* running) { return *running == 0; }, &chains->running));
  }

  void StartNext(const std::shared_ptr<AsyncChains>& chains, LoadPhases& phases,
                 OperationLog& log) {
    const Phase phase = phases.Next();
    if (phase == Phase::kStop) {
      absl::MutexLock lock(&chains->mu);
      --chains->running;
      return;
    }
    const size_t turn = chains->turns.fetch_add(1, std::memory_order_relaxed);
    const Clock::time_point sent = Clock::now();
    client_->SubmitAsync(ReferralForTurn(turn),
                         [this, chains, &phases, &log, phase,
                          sent](absl::StatusOr<client::Referral> submitted) {
                           Completed(phase, sent, submitted, log);
                           StartNext(chains, phases, log);
                         });
  }

  // Reads one inbox stream and acknowledges what it read in batches: the
  // reader hands sequences to the acknowledging thread, which sends all
  // that have gathered (up to the hub's 1000 per call) while the next ones
  // arrive. InboxConsumer acknowledges the same way; this bare version is
  // the baseline to compare it with. Thread-safe.
  class BatchedAcknowledger {
   public:
    BatchedAcknowledger(ExchangeClient& client, DeliveryTracker& tracker)
        : client_(client), tracker_(tracker) {}

    void Start() {
      stream_ = client_.OpenInbox(0);
      reader_ = std::thread([this] { Read(); });
      acker_ = std::thread([this] { Acknowledge(); });
    }

    // Stops reading, acknowledges what was read, and tells how it went.
    absl::Status Stop() {
      stream_->Cancel();
      reader_.join();
      {
        absl::MutexLock lock(&mu_);
        reading_ = false;
      }
      acker_.join();
      absl::MutexLock lock(&mu_);
      return error_;
    }

   private:
    static constexpr size_t kMaxAcksPerCall = 1000;

    void Read() {
      client::InboxEntry entry;
      while (stream_->Next(&entry)) {
        if (entry.event.type == client::EventType::kSubmitted) {
          tracker_.Arrived(entry.event.referral_id, Clock::now());
        }
        absl::MutexLock lock(&mu_);
        unacknowledged_.push_back(entry.sequence);
      }
      absl::Status ended = stream_->Finish();
      absl::MutexLock lock(&mu_);
      if (!ended.ok() && !absl::IsCancelled(ended) && error_.ok()) {
        error_ = ended;
      }
    }

    bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !unacknowledged_.empty() || !reading_;
    }

    void Acknowledge() {
      for (;;) {
        std::vector<uint64_t> batch;
        {
          absl::MutexLock lock(&mu_);
          mu_.Await(absl::Condition(this, &BatchedAcknowledger::HasWork));
          if (unacknowledged_.empty()) return;  // stopped, all acknowledged
          const size_t count =
              std::min(unacknowledged_.size(), kMaxAcksPerCall);
          batch.assign(unacknowledged_.begin(),
                       unacknowledged_.begin() + count);
          unacknowledged_.erase(unacknowledged_.begin(),
                                unacknowledged_.begin() + count);
        }
        absl::StatusOr<uint32_t> acknowledged = client_.Ack(batch);
        if (!acknowledged.ok()) {
          absl::MutexLock lock(&mu_);
          if (error_.ok()) error_ = acknowledged.status();
        }
      }
    }

    ExchangeClient& client_;
    DeliveryTracker& tracker_;
    std::unique_ptr<client::InboxStream> stream_;
    std::thread reader_;
    std::thread acker_;
    absl::Mutex mu_;
    std::vector<uint64_t> unacknowledged_ ABSL_GUARDED_BY(mu_);
    bool reading_ ABSL_GUARDED_BY(mu_) = true;
    absl::Status error_ ABSL_GUARDED_BY(mu_);
  };

  struct Consumer {
    std::unique_ptr<ExchangeClient> client;
    // One of the two.
    std::unique_ptr<client::InboxConsumer> consumer;
    std::unique_ptr<BatchedAcknowledger> batched;
    std::thread thread;
    absl::Status ended;
  };

  absl::Status StartConsumers() {
    for (const std::string& recipient : options_.recipients) {
      const std::string cert =
          options_.pki_dir.empty()
              ? options_.recipient_cert_file
              : absl::StrCat(options_.pki_dir, "/", recipient, ".crt");
      const std::string key =
          options_.pki_dir.empty()
              ? options_.recipient_key_file
              : absl::StrCat(options_.pki_dir, "/", recipient, ".key");
      absl::StatusOr<std::unique_ptr<ExchangeClient>> connected =
          client::ConnectExchangeClient(ConnectionFor(options_, cert, key));
      if (!connected.ok()) return connected.status();
      auto consumer = std::make_unique<Consumer>();
      consumer->client = *std::move(connected);
      if (options_.batched_acks) {
        consumer->batched =
            std::make_unique<BatchedAcknowledger>(*consumer->client, tracker_);
        consumer->batched->Start();
        consumers_.push_back(std::move(consumer));
        continue;
      }
      consumer->consumer = std::make_unique<client::InboxConsumer>(
          *consumer->client, [this](const client::InboxEntry& entry) {
            if (entry.event.type == client::EventType::kSubmitted) {
              tracker_.Arrived(entry.event.referral_id, Clock::now());
            }
            return absl::OkStatus();
          });
      Consumer* raw = consumer.get();
      consumer->thread =
          std::thread([raw] { raw->ended = raw->consumer->Run(); });
      consumers_.push_back(std::move(consumer));
    }
    return absl::OkStatus();
  }

  absl::Status StopConsumers() {
    absl::Status first;
    for (std::unique_ptr<Consumer>& consumer : consumers_) {
      if (consumer->batched != nullptr) {
        absl::Status stopped = consumer->batched->Stop();
        if (first.ok()) first = stopped;
        continue;
      }
      consumer->consumer->Stop();
      consumer->thread.join();
      if (first.ok()) first = consumer->ended;
    }
    consumers_.clear();
    return first;
  }

  const BenchOptions options_;
  std::vector<client::NewReferral> referrals_;
  std::unique_ptr<ExchangeClient> client_;
  DeliveryTracker tracker_;
  std::vector<std::unique_ptr<Consumer>> consumers_;
};

}  // namespace

std::string MakePayload(size_t size, uint64_t id) {
  std::string payload(size, '\0');
  // xorshift: cheap, and incompressible enough that no layer shrinks it.
  uint64_t state = 0x9E3779B97F4A7C15ull;
  for (char& byte : payload) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    byte = static_cast<char>(state);
  }
  std::memcpy(payload.data(), &id, std::min(size, sizeof(id)));
  return payload;
}

absl::StatusOr<std::unique_ptr<BenchTarget>> MakeExchangeTarget(
    const BenchOptions& options) {
  return std::unique_ptr<BenchTarget>(new ExchangeTarget(options));
}

}  // namespace sx::bench
