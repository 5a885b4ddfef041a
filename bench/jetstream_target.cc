// --mode=jetstream: publish with acknowledgement to a file-storage stream,
// through cnats' asynchronous publish with at most `inflight` pending: the
// load thread publishes (cnats stalls it while the window is full) and the
// acknowledgement handler, on cnats' own thread, logs each reply. The first
// eight bytes of each message carry its number, to find its send time.
#include "bench/bench_target.h"

#ifdef SXBENCH_WITH_NATS

#include <nats/nats.h>

#include <cstring>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace sx::bench {
namespace {

absl::Status FromNats(natsStatus status, absl::string_view what) {
  if (status == NATS_OK) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(
      "jetstream: ", what, ": ", natsStatus_GetText(status), " ",
      nats_GetLastError(nullptr) != nullptr ? nats_GetLastError(nullptr) : ""));
}

constexpr char kSubject[] = "sxbench.load";

class JetStreamTarget final : public BenchTarget {
 public:
  explicit JetStreamTarget(const BenchOptions& options)
      : options_(options), payload_(MakePayload(options.payload_bytes, 0)) {}

  ~JetStreamTarget() override {
    jsCtx_Destroy(js_);
    natsConnection_Destroy(connection_);
  }

  absl::Status Prepare() override {
    natsStatus status = natsConnection_ConnectTo(
        &connection_, absl::StrCat("nats://", options_.address).c_str());
    if (status != NATS_OK) return FromNats(status, "connect");
    jsOptions js_options;
    jsOptions_Init(&js_options);
    js_options.PublishAsync.MaxPending = options_.inflight;
    js_options.PublishAsync.AckHandler = &JetStreamTarget::OnAck;
    js_options.PublishAsync.AckHandlerClosure = this;
    // A full window waits for acknowledgements however long they take.
    js_options.PublishAsync.StallWait = 60000;
    status = natsConnection_JetStream(&js_, connection_, &js_options);
    if (status != NATS_OK) return FromNats(status, "jetstream context");

    // A fresh stream each run, so that runs do not inherit each other's
    // messages.
    jsErrCode error = static_cast<jsErrCode>(0);
    js_DeleteStream(js_, options_.stream.c_str(), nullptr, &error);
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    config.Name = options_.stream.c_str();
    const char* subjects[] = {kSubject};
    config.Subjects = subjects;
    config.SubjectsLen = 1;
    config.Storage = js_FileStorage;
    jsStreamInfo* info = nullptr;
    status = js_AddStream(&info, js_, &config, nullptr, &error);
    jsStreamInfo_Destroy(info);
    if (status != NATS_OK) return FromNats(status, "add stream");

    // One acknowledged publish before the clock starts.
    jsPubAck* ack = nullptr;
    status = js_Publish(&ack, js_, kSubject, payload_.data(),
                        static_cast<int>(payload_.size()), nullptr, &error);
    jsPubAck_Destroy(ack);
    return FromNats(status, "first publish");
  }

  absl::Status Run(LoadPhases& phases, OperationLog& log) override {
    log_ = &log;
    absl::Status result;
    for (uint64_t number = 0;; ++number) {
      const Phase phase = phases.Next();
      if (phase == Phase::kStop) break;
      std::memcpy(payload_.data(), &number, sizeof(number));
      {
        absl::MutexLock lock(&mu_);
        sent_.push_back({Clock::now(), phase == Phase::kMeasured});
      }
      natsMsg* message = nullptr;
      natsStatus status =
          natsMsg_Create(&message, kSubject, nullptr, payload_.data(),
                         static_cast<int>(payload_.size()));
      if (status == NATS_OK)
        status = js_PublishMsgAsync(js_, &message, nullptr);
      natsMsg_Destroy(message);  // a no-op once cnats took it
      if (status != NATS_OK) {
        result = FromNats(status, "publish");
        break;
      }
    }
    jsPubOptions wait;
    jsPubOptions_Init(&wait);
    wait.MaxWait = 60000;
    absl::Status completed =
        FromNats(js_PublishAsyncComplete(js_, &wait), "wait for acks");
    return result.ok() ? completed : result;
  }

 private:
  struct Sent {
    Clock::time_point at;
    bool measured;
  };

  static void OnAck(jsCtx*, natsMsg* message, jsPubAck* ack, jsPubAckErr* error,
                    void* closure) {
    const Clock::time_point done = Clock::now();
    auto* self = static_cast<JetStreamTarget*>(closure);
    uint64_t number = 0;
    if (natsMsg_GetDataLength(message) >= static_cast<int>(sizeof(number))) {
      std::memcpy(&number, natsMsg_GetData(message), sizeof(number));
    }
    Sent sent{done, false};
    {
      absl::MutexLock lock(&self->mu_);
      if (number < self->sent_.size()) sent = self->sent_[number];
    }
    if (sent.measured && self->log_ != nullptr) {
      self->log_->Record(sent.at, done,
                         ack != nullptr
                             ? absl::OkStatus()
                             : absl::UnavailableError(absl::StrCat(
                                   "jetstream: publish failed: ",
                                   error != nullptr && error->ErrText != nullptr
                                       ? error->ErrText
                                       : "no ack")));
    }
    natsMsg_Destroy(message);
  }

  const BenchOptions options_;
  std::string payload_;
  natsConnection* connection_ = nullptr;
  jsCtx* js_ = nullptr;
  OperationLog* log_ = nullptr;
  absl::Mutex mu_;
  // Send time of every message of the run, by number.
  std::vector<Sent> sent_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

const bool kWithJetStream = true;

absl::StatusOr<std::unique_ptr<BenchTarget>> MakeJetStreamTarget(
    const BenchOptions& options) {
  return std::unique_ptr<BenchTarget>(new JetStreamTarget(options));
}

}  // namespace sx::bench

#else  // SXBENCH_WITH_NATS

namespace sx::bench {

const bool kWithJetStream = false;

absl::StatusOr<std::unique_ptr<BenchTarget>> MakeJetStreamTarget(
    const BenchOptions&) {
  return absl::UnimplementedError(
      "sxbench was built without libnats (apt install libnats-dev, then "
      "rebuild)");
}

}  // namespace sx::bench

#endif  // SXBENCH_WITH_NATS
