// --mode=rabbitmq: persistent messages to a quorum queue with publisher
// confirms, through rabbitmq-c. One connection and channel (rabbitmq-c
// connections are single-threaded) keeps a window of `inflight` unconfirmed
// publishes: publish until the window is full, then read confirms (which may
// cover several deliveries at once with `multiple`) and refill.
#include "bench/bench_target.h"

#ifdef SXBENCH_WITH_RABBITMQ

#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sx::bench {
namespace {

absl::Status CheckReply(amqp_rpc_reply_t reply, absl::string_view what) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return absl::OkStatus();
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return absl::UnavailableError(absl::StrCat(
          "rabbitmq: ", what, ": ", amqp_error_string2(reply.library_error)));
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        auto* close = static_cast<amqp_channel_close_t*>(reply.reply.decoded);
        return absl::FailedPreconditionError(absl::StrCat(
            "rabbitmq: ", what, ": channel closed: ",
            absl::string_view(static_cast<const char*>(close->reply_text.bytes),
                              close->reply_text.len)));
      }
      if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        auto* close =
            static_cast<amqp_connection_close_t*>(reply.reply.decoded);
        return absl::FailedPreconditionError(absl::StrCat(
            "rabbitmq: ", what, ": connection closed: ",
            absl::string_view(static_cast<const char*>(close->reply_text.bytes),
                              close->reply_text.len)));
      }
      return absl::InternalError(
          absl::StrCat("rabbitmq: ", what, ": server error"));
    default:
      return absl::InternalError(
          absl::StrCat("rabbitmq: ", what, ": no reply"));
  }
}

class RabbitMqTarget final : public BenchTarget {
 public:
  explicit RabbitMqTarget(const BenchOptions& options)
      : options_(options), payload_(MakePayload(options.payload_bytes, 0)) {}

  ~RabbitMqTarget() override {
    if (connection_ == nullptr) return;
    amqp_channel_close(connection_, kChannel, AMQP_REPLY_SUCCESS);
    amqp_connection_close(connection_, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(connection_);
  }

  absl::Status Prepare() override {
    const size_t colon = options_.address.rfind(':');
    int port = 0;
    if (colon == std::string::npos ||
        !absl::SimpleAtoi(options_.address.substr(colon + 1), &port)) {
      return absl::InvalidArgumentError(
          absl::StrCat("rabbitmq: bad address ", options_.address));
    }
    const std::string host = options_.address.substr(0, colon);
    connection_ = amqp_new_connection();
    amqp_socket_t* socket = amqp_tcp_socket_new(connection_);
    if (socket == nullptr) return absl::InternalError("rabbitmq: no socket");
    if (amqp_socket_open(socket, host.c_str(), port) != AMQP_STATUS_OK) {
      return absl::UnavailableError(
          absl::StrCat("rabbitmq: cannot connect to ", options_.address));
    }
    absl::Status status = CheckReply(
        amqp_login(connection_, "/", 0, AMQP_DEFAULT_FRAME_SIZE, 0,
                   AMQP_SASL_METHOD_PLAIN, options_.amqp_user.c_str(),
                   options_.amqp_password.c_str()),
        "login");
    if (!status.ok()) return status;
    amqp_channel_open(connection_, kChannel);
    status = CheckReply(amqp_get_rpc_reply(connection_), "open channel");
    if (!status.ok()) return status;
    amqp_confirm_select(connection_, kChannel);
    status = CheckReply(amqp_get_rpc_reply(connection_), "confirm.select");
    if (!status.ok()) return status;

    // A fresh queue each run, so that runs do not inherit each other's
    // backlog.
    const amqp_bytes_t queue = amqp_cstring_bytes(options_.queue.c_str());
    amqp_queue_delete(connection_, kChannel, queue, 0, 0);
    status = CheckReply(amqp_get_rpc_reply(connection_), "queue.delete");
    if (!status.ok()) return status;
    amqp_table_entry_t type;
    type.key = amqp_cstring_bytes("x-queue-type");
    type.value.kind = AMQP_FIELD_KIND_UTF8;
    type.value.value.bytes = amqp_cstring_bytes("quorum");
    amqp_table_t arguments{1, &type};
    amqp_queue_declare(connection_, kChannel, queue, /*passive=*/0,
                       /*durable=*/1, /*exclusive=*/0, /*auto_delete=*/0,
                       arguments);
    status = CheckReply(amqp_get_rpc_reply(connection_), "queue.declare");
    if (!status.ok()) return status;

    // One confirmed publish before the clock starts.
    if (absl::Status sent = Publish(false); !sent.ok()) return sent;
    while (!unconfirmed_.empty()) {
      if (absl::Status read = AwaitConfirms(nullptr); !read.ok()) return read;
    }
    return absl::OkStatus();
  }

  absl::Status Run(LoadPhases& phases, OperationLog& log) override {
    bool stopping = false;
    for (;;) {
      while (!stopping &&
             unconfirmed_.size() < static_cast<size_t>(options_.inflight)) {
        const Phase phase = phases.Next();
        if (phase == Phase::kStop) {
          stopping = true;
          break;
        }
        if (absl::Status sent = Publish(phase == Phase::kMeasured);
            !sent.ok()) {
          return sent;
        }
      }
      if (unconfirmed_.empty()) return absl::OkStatus();
      if (absl::Status read = AwaitConfirms(&log); !read.ok()) {
        return read;
      }
    }
  }

 private:
  static constexpr amqp_channel_t kChannel = 1;

  struct Pending {
    Clock::time_point sent;
    bool measured;
  };

  // Delivery tags count publishes from 1 on this channel.
  absl::Status Publish(bool measured) {
    unconfirmed_[++published_] = {Clock::now(), measured};
    amqp_basic_properties_t properties;
    properties._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
    properties.delivery_mode = 2;  // persistent
    amqp_bytes_t body{payload_.size(), payload_.data()};
    const int sent = amqp_basic_publish(
        connection_, kChannel, amqp_empty_bytes,
        amqp_cstring_bytes(options_.queue.c_str()), /*mandatory=*/0,
        /*immediate=*/0, &properties, body);
    if (sent != AMQP_STATUS_OK) {
      return absl::UnavailableError(
          absl::StrCat("rabbitmq: publish: ", amqp_error_string2(sent)));
    }
    return absl::OkStatus();
  }

  // Reads frames until a confirm (ack or nack, of one publish or of all up
  // to a tag) arrives, and logs the measured publishes it settles.
  absl::Status AwaitConfirms(OperationLog* log) {
    for (;;) {
      amqp_frame_t frame;
      const int read = amqp_simple_wait_frame(connection_, &frame);
      if (read != AMQP_STATUS_OK) {
        return absl::UnavailableError(
            absl::StrCat("rabbitmq: read: ", amqp_error_string2(read)));
      }
      if (frame.frame_type != AMQP_FRAME_METHOD) continue;
      const amqp_method_number_t id = frame.payload.method.id;
      if (id == AMQP_CHANNEL_CLOSE_METHOD ||
          id == AMQP_CONNECTION_CLOSE_METHOD) {
        return absl::FailedPreconditionError("rabbitmq: closed by the broker");
      }
      if (id != AMQP_BASIC_ACK_METHOD && id != AMQP_BASIC_NACK_METHOD) continue;
      uint64_t tag = 0;
      bool multiple = false;
      const bool acked = id == AMQP_BASIC_ACK_METHOD;
      if (acked) {
        auto* ack =
            static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
        tag = ack->delivery_tag;
        multiple = ack->multiple;
      } else {
        auto* nack =
            static_cast<amqp_basic_nack_t*>(frame.payload.method.decoded);
        tag = nack->delivery_tag;
        multiple = nack->multiple;
      }
      amqp_maybe_release_buffers(connection_);
      const Clock::time_point done = Clock::now();
      const absl::Status status =
          acked ? absl::OkStatus()
                : absl::UnavailableError("rabbitmq: publish nacked");
      auto first = multiple ? unconfirmed_.begin() : unconfirmed_.find(tag);
      auto last =
          multiple ? unconfirmed_.upper_bound(tag)
                   : (first == unconfirmed_.end() ? first : std::next(first));
      for (auto it = first; it != last; ++it) {
        if (log != nullptr && it->second.measured) {
          log->Record(it->second.sent, done, status);
        }
      }
      unconfirmed_.erase(first, last);
      if (log == nullptr && !acked) return status;
      return absl::OkStatus();
    }
  }

  const BenchOptions options_;
  std::string payload_;
  amqp_connection_state_t connection_ = nullptr;
  uint64_t published_ = 0;
  // Publishes not yet confirmed, by delivery tag.
  std::map<uint64_t, Pending> unconfirmed_;
};

}  // namespace

const bool kWithRabbitMq = true;

absl::StatusOr<std::unique_ptr<BenchTarget>> MakeRabbitMqTarget(
    const BenchOptions& options) {
  return std::unique_ptr<BenchTarget>(new RabbitMqTarget(options));
}

}  // namespace sx::bench

#else  // SXBENCH_WITH_RABBITMQ

namespace sx::bench {

const bool kWithRabbitMq = false;

absl::StatusOr<std::unique_ptr<BenchTarget>> MakeRabbitMqTarget(
    const BenchOptions&) {
  return absl::UnimplementedError(
      "sxbench was built without librabbitmq (apt install librabbitmq-dev, "
      "then rebuild)");
}

}  // namespace sx::bench

#endif  // SXBENCH_WITH_RABBITMQ
