#include "sx/console/console_server.h"

#include <httplib.h>

#include <chrono>
#include <csignal>
#include <future>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "server/console/console_access.h"
#include "server/console/console_assets.h"
#include "server/console/console_json.h"
#include "server/console/console_tls.h"
#include "server/console/csrf_guard.h"
#include "server/console/peer_certificate.h"
#include "server/console/serving_credentials.h"
#include "supervision/v1/admin.pb.h"
#include "supervision/v1/supervision_ledger.pb.h"

namespace sx::console {
namespace {

namespace v1 = ::supervision::v1;

// Handshakes run on the pool's threads, so a few idle connections could
// hold them all: a short read timeout frees them (the console is for a
// handful of operators, not for load).
constexpr size_t kServingThreads = 8;
constexpr time_t kReadTimeoutSeconds = 5;
constexpr size_t kMaxBodyBytes = 64 * 1024;

int HttpStatusOf(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kFailedPrecondition:
      return 409;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

void Refuse(const absl::Status& status, httplib::Response& response) {
  response.status = HttpStatusOf(status);
  google::protobuf::Value error;
  error.set_string_value(std::string(status.message()));
  response.set_content(absl::StrCat("{\"error\":", ToJson(error), "}"),
                       "application/json");
}

// A page's refusal: the reason, in a page of its own (no script, no
// style), for a browser that asked for a page rather than for JSON.
void RefusePage(const absl::Status& status, httplib::Response& response) {
  response.status = HttpStatusOf(status);
  std::string reason;
  for (char c : status.message()) {
    switch (c) {
      case '<':
        reason += "&lt;";
        break;
      case '>':
        reason += "&gt;";
        break;
      case '&':
        reason += "&amp;";
        break;
      case '"':
        reason += "&quot;";
        break;
      default:
        reason += c;
    }
  }
  response.set_content(
      absl::StrCat("<!doctype html><html lang=\"zh-CN\"><head><meta "
                   "charset=\"utf-8\"><title>", response.status,
                   " sxhub</title></head><body><h1>拒绝访问 Refused</h1><p>",
                   reason, "</p></body></html>"),
      "text/html; charset=utf-8");
}

}  // namespace

// The listener and its routes. Every route goes through Serve, which
// authenticates the peer certificate and authorizes the endpoint before the
// handler runs.
class ConsoleServer::Routes {
 public:
  explicit Routes(ConsoleOptions options) : options_(std::move(options)) {}

  ~Routes() {
    if (server_ != nullptr) server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  absl::StatusOr<int> Start() {
    // OpenSSL writes to the socket with write(): a browser that went away
    // mid-answer must cost an EPIPE, not the hub's process.
    std::signal(SIGPIPE, SIG_IGN);
    absl::StatusOr<std::unique_ptr<ServingCredentials>> credentials =
        ServingCredentials::Load(options_.tls);
    if (!credentials.ok()) return credentials.status();
    credentials_ = *std::move(credentials);
    server_ = std::make_unique<httplib::SSLServer>([this](SSL_CTX& context) {
      ConfigureConsoleTls(context, *credentials_);
      return true;
    });
    if (!server_->is_valid()) {
      return absl::FailedPreconditionError("console: TLS setup failed");
    }
    server_->new_task_queue = [] {
      return new httplib::ThreadPool(kServingThreads);
    };
    server_->set_read_timeout(kReadTimeoutSeconds, 0);
    server_->set_payload_max_length(kMaxBodyBytes);
    AddRoutes();

    const std::string& address = options_.address;
    const size_t colon = address.rfind(':');
    const std::string host = address.substr(0, colon);
    const int wanted = std::atoi(address.substr(colon + 1).c_str());
    int port = wanted;
    if (wanted == 0) {
      port = server_->bind_to_any_port(host);
    } else if (!server_->bind_to_port(host, wanted)) {
      port = -1;
    }
    if (port <= 0) {
      return absl::UnavailableError(absl::StrCat(
          "console: cannot listen on ", address,
          " (address in use, or not a local address?)"));
    }
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    // stop() is lost on a server that has not begun to listen, and the
    // destructor would then wait for ever.
    while (!server_->is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return port;
  }

 private:
  using Handler = std::function<void(const core::Identity&,
                                     const httplib::Request&,
                                     httplib::Response&)>;

  // The caller by the hub's rule, then the endpoint's authorization.
  absl::StatusOr<core::Identity> Admit(const httplib::Request& request,
                                       ConsoleEndpoint endpoint) const {
    absl::StatusOr<PeerCertificate> peer = PeerCertificateOf(request.ssl);
    if (!peer.ok()) return peer.status();
    const std::vector<absl::string_view> uris(peer->uris.begin(),
                                              peer->uris.end());
    absl::StatusOr<core::Identity> caller = options_.identify(uris, peer->pem);
    if (!caller.ok()) return caller.status();
    absl::Status allowed =
        AuthorizeConsole(*options_.config(), *caller, endpoint);
    if (!allowed.ok()) return allowed;
    return caller;
  }

  // The route's handler behind authentication and authorization; a refusal
  // is logged (who, or why nobody, and the path: never contents) and
  // answered as a page when `page`, else as JSON.
  httplib::Server::Handler Serve(ConsoleEndpoint endpoint, Handler handler,
                                 bool page = false) {
    return [this, endpoint, page, handler = std::move(handler)](
               const httplib::Request& request, httplib::Response& response) {
      response.set_header(
          "Content-Security-Policy",
          "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
          "form-action 'none'");
      response.set_header("X-Content-Type-Options", "nosniff");
      response.set_header("Referrer-Policy", "no-referrer");
      response.set_header("Cache-Control", "no-store");
      absl::StatusOr<core::Identity> caller = Admit(request, endpoint);
      if (!caller.ok()) {
        if (options_.log) {
          options_.log(absl::StrCat("console: refused ", request.method, " ",
                                    request.path, ": ",
                                    caller.status().message()));
        }
        (page ? RefusePage : Refuse)(caller.status(), response);
        return;
      }
      handler(*caller, request, response);
    };
  }

  void Page(const char* path, const char* file) {
    server_->Get(path, Serve(ConsoleEndpoint::kPage,
                             [file](const core::Identity&,
                                    const httplib::Request&,
                                    httplib::Response& response) {
                               const ConsoleAsset* page =
                                   FindConsoleAsset(file);
                               response.set_content(page->data, page->size,
                                                    page->content_type);
                             },
                             /*page=*/true));
  }

  // Answers with `answer()`'s message as JSON, or its error.
  template <typename Message>
  void Json(const char* path, ConsoleEndpoint endpoint,
            std::function<absl::StatusOr<Message>(const core::Identity&,
                                                  const httplib::Request&)>
                answer) {
    server_->Get(path, Serve(endpoint, [answer = std::move(answer)](
                                           const core::Identity& caller,
                                           const httplib::Request& request,
                                           httplib::Response& response) {
                   absl::StatusOr<Message> message = answer(caller, request);
                   if (!message.ok()) {
                     Refuse(message.status(), response);
                     return;
                   }
                   response.set_content(ToJson(*message), "application/json");
                 }));
  }

  void AddRoutes() {
    Page("/", "console.html");
    Page("/inboxes", "console.html");
    Page("/ledger", "console.html");
    server_->Get(
        "/assets/([a-z0-9.]+)",
        Serve(ConsoleEndpoint::kPage,
              [](const core::Identity&, const httplib::Request& request,
                 httplib::Response& response) {
                const ConsoleAsset* asset =
                    FindConsoleAsset(request.matches[1].str().c_str());
                if (asset == nullptr) {
                  response.status = 404;
                  return;
                }
                response.set_header("Cache-Control", "private, max-age=3600");
                response.set_content(asset->data, asset->size,
                                     asset->content_type);
              }));
    server_->Get("/favicon.ico",
                 Serve(ConsoleEndpoint::kPage,
                       [](const core::Identity&, const httplib::Request&,
                          httplib::Response& response) {
                         response.status = 204;
                       }));
    server_->Get("/api/session",
                 Serve(ConsoleEndpoint::kPage,
                       [this](const core::Identity& caller,
                              const httplib::Request&,
                              httplib::Response& response) {
                         response.set_content(
                             SessionJson(*options_.config(), caller,
                                         csrf_.TokenFor(caller)),
                             "application/json");
                       }));
    server_->Get(
        "/api/overview",
        Serve(ConsoleEndpoint::kOverview,
              [this](const core::Identity&, const httplib::Request&,
                     httplib::Response& response) {
                absl::StatusOr<v1::GetTransferCountsResponse> counts =
                    options_.admin->TransferCounts();
                if (!counts.ok()) return Refuse(counts.status(), response);
                absl::StatusOr<v1::HubStatus> status =
                    options_.admin->Status();
                if (!status.ok()) return Refuse(status.status(), response);
                response.set_content(
                    absl::StrCat("{\"counts\":", ToJson(*counts),
                                 ",\"status\":", ToJson(*status), "}"),
                    "application/json");
              }));
    Json<v1::GetInboxStatsResponse>(
        "/api/inboxes", ConsoleEndpoint::kInboxes,
        [this](const core::Identity&, const httplib::Request&) {
          return options_.admin->InboxStats();
        });
    Json<v1::ListDeadLettersResponse>(
        "/api/dead-letters", ConsoleEndpoint::kDeadLetters,
        [this](const core::Identity&, const httplib::Request& request) {
          v1::ListDeadLettersRequest list;
          list.set_agency_id(request.get_param_value("agency_id"));
          list.set_page_token(request.get_param_value("page_token"));
          return options_.admin->ListDeadLetters(list);
        });
    // The supervisors' ledger, as SupervisionLedgerService answers it (with
    // subjects: a supervising agency reads them there too).
    Json<v1::ListSupervisedReferralsResponse>(
        "/api/ledger", ConsoleEndpoint::kLedger,
        [this](const core::Identity& caller, const httplib::Request& request) {
          v1::ListSupervisedReferralsRequest list;
          list.set_recipient_agency_id(
              request.get_param_value("recipient_agency_id"));
          list.set_page_token(request.get_param_value("page_token"));
          return options_.ledger->List(caller, list);
        });
    server_->Post("/api/redrive",
                  Serve(ConsoleEndpoint::kRedrive,
                        [this](const core::Identity& caller,
                               const httplib::Request& request,
                               httplib::Response& response) {
                          Redrive(caller, request, response);
                        }));
  }

  // The operator confirmed in the page; the write is AdminService's own,
  // recorded in the event log as this administrator's.
  void Redrive(const core::Identity& admin, const httplib::Request& request,
               httplib::Response& response) {
    CsrfHeaders headers;
    headers.origin = request.get_header_value("Origin");
    headers.host = request.get_header_value("Host");
    headers.sec_fetch_site = request.get_header_value("Sec-Fetch-Site");
    headers.token = request.get_header_value("X-CSRF-Token");
    if (absl::Status fresh = csrf_.Check(admin, headers); !fresh.ok()) {
      return Refuse(fresh, response);
    }
    v1::RedriveDeadLettersRequest redrive;
    if (absl::Status parsed = FromJson(request.body, redrive); !parsed.ok()) {
      return Refuse(parsed, response);
    }
    std::promise<absl::StatusOr<uint32_t>> done;
    std::future<absl::StatusOr<uint32_t>> result = done.get_future();
    options_.admin->Redrive(admin, redrive,
                            [&done](absl::StatusOr<uint32_t> redriven) {
                              done.set_value(std::move(redriven));
                            });
    absl::StatusOr<uint32_t> redriven = result.get();
    if (!redriven.ok()) return Refuse(redriven.status(), response);
    v1::RedriveDeadLettersResponse answer;
    answer.set_redriven(*redriven);
    response.set_content(ToJson(answer), "application/json");
  }

  const ConsoleOptions options_;
  const CsrfGuard csrf_;
  // Outlives server_, whose TLS context calls into it.
  std::unique_ptr<ServingCredentials> credentials_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
};

absl::StatusOr<std::unique_ptr<ConsoleServer>> ConsoleServer::Start(
    ConsoleOptions options) {
  auto routes = std::make_unique<Routes>(std::move(options));
  absl::StatusOr<int> port = routes->Start();
  if (!port.ok()) return port.status();
  std::unique_ptr<ConsoleServer> console(new ConsoleServer());
  console->routes_ = std::move(routes);
  console->port_ = *port;
  return console;
}

ConsoleServer::~ConsoleServer() = default;

}  // namespace sx::console
