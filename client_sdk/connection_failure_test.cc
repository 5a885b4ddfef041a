#include "client_sdk/connection_failure.h"

#include "gtest/gtest.h"

namespace sx::client::internal {
namespace {

// gRPC 1.51's messages, as seen from the SDK for each kind of mistake.
constexpr char kRefused[] =
    "failed to connect to all addresses; last error: UNKNOWN: "
    "ipv4:127.0.0.1:7444: Failed to connect to remote host: Connection "
    "refused";
constexpr char kUnresolved[] =
    "DNS resolution failed for nosuchhost.invalid:7443: C-ares status is not "
    "ARES_SUCCESS qtype=AAAA name=nosuchhost.invalid is_balancer=0: Domain "
    "name not found";
constexpr char kWrongCa[] =
    "failed to connect to all addresses; last error: UNKNOWN: "
    "ipv4:127.0.0.1:7443: Ssl handshake failed: SSL_ERROR_SSL: "
    "error:0A000086:SSL routines::certificate verify failed";
constexpr char kWrongName[] =
    "failed to connect to all addresses; last error: UNKNOWN: "
    "ipv4:127.0.0.1:7443: Peer name wronghost is not in peer certificate";
constexpr char kClosed[] =
    "failed to connect to all addresses; last error: UNAVAILABLE: "
    "ipv4:127.0.0.1:7443: Socket closed";

grpc::Status Unavailable(const char* message) {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, message);
}

TEST(ConnectionFailureTest, ClassifiesGrpcMessages) {
  EXPECT_EQ(ClassifyConnectionFailure(Unavailable(kRefused)),
            ConnectionFailure::kUnreachable);
  EXPECT_EQ(ClassifyConnectionFailure(Unavailable(kUnresolved)),
            ConnectionFailure::kUnresolvable);
  EXPECT_EQ(ClassifyConnectionFailure(Unavailable(kWrongCa)),
            ConnectionFailure::kHubCertificateRejected);
  EXPECT_EQ(ClassifyConnectionFailure(Unavailable(kWrongName)),
            ConnectionFailure::kHubCertificateRejected);
  EXPECT_EQ(ClassifyConnectionFailure(Unavailable(kClosed)),
            ConnectionFailure::kClosedInHandshake);
  // An alert from the hub is its refusal of our certificate.
  EXPECT_EQ(ClassifyConnectionFailure(Unavailable(
                "failed to connect to all addresses; last error: UNKNOWN: "
                "ipv4:127.0.0.1:7443: Ssl handshake failed: SSL_ERROR_SSL: "
                "error:0A000418:SSL routines::tlsv1 alert unknown ca")),
            ConnectionFailure::kClosedInHandshake);
  // The hub's own UNAVAILABLE (not durable) and other codes are answers.
  EXPECT_EQ(ClassifyConnectionFailure(
                Unavailable("the hub could not make the change durable")),
            ConnectionFailure::kNone);
  EXPECT_EQ(ClassifyConnectionFailure(grpc::Status(
                grpc::StatusCode::PERMISSION_DENIED, "Socket closed")),
            ConnectionFailure::kNone);
}

TEST(ConnectionFailureTest, CertificateRefusalsAreRetriedOnlyAfterAnAnswer) {
  ConnectionHistory history("127.0.0.1:7443");
  EXPECT_FALSE(ConnectionFailureIsRetryable(
      ConnectionFailure::kHubCertificateRejected, history));
  EXPECT_FALSE(ConnectionFailureIsRetryable(
      ConnectionFailure::kClosedInHandshake, history));
  EXPECT_FALSE(
      ConnectionFailureIsRetryable(ConnectionFailure::kUnresolvable, history));
  EXPECT_TRUE(
      ConnectionFailureIsRetryable(ConnectionFailure::kUnreachable, history));
  history.RecordAnswer();
  // A hub that answered and now closes connections is restarting.
  EXPECT_TRUE(ConnectionFailureIsRetryable(
      ConnectionFailure::kClosedInHandshake, history));
  EXPECT_FALSE(ConnectionFailureIsRetryable(
      ConnectionFailure::kHubCertificateRejected, history));
}

TEST(ConnectionFailureTest, ExplanationsNameAddressCauseAndGrpcDetail) {
  ConnectionHistory history("127.0.0.1:7443");
  const grpc::Status refused = ExplainConnectionFailure(
      Unavailable(kRefused), ConnectionFailure::kUnreachable, history);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(refused.error_message().find("127.0.0.1:7443"), std::string::npos);
  EXPECT_NE(refused.error_message().find("Connection refused"),
            std::string::npos);
  // gRPC's "failed to connect to all addresses" preamble says nothing.
  EXPECT_EQ(refused.error_message().find("all addresses"), std::string::npos);

  const grpc::Status wrong_ca = ExplainConnectionFailure(
      Unavailable(kWrongCa), ConnectionFailure::kHubCertificateRejected,
      history);
  EXPECT_EQ(wrong_ca.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(wrong_ca.error_message().find("--ca"), std::string::npos);
  EXPECT_NE(wrong_ca.error_message().find("certificate verify failed"),
            std::string::npos);

  const grpc::Status refused_us = ExplainConnectionFailure(
      Unavailable(kClosed), ConnectionFailure::kClosedInHandshake, history);
  EXPECT_EQ(refused_us.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(refused_us.error_message().find("refused this client certificate"),
            std::string::npos);

  history.RecordAnswer();
  const grpc::Status restarting = ExplainConnectionFailure(
      Unavailable(kClosed), ConnectionFailure::kClosedInHandshake, history);
  EXPECT_EQ(restarting.error_code(), grpc::StatusCode::UNAVAILABLE);

  const grpc::Status answer(grpc::StatusCode::NOT_FOUND, "no such agency");
  EXPECT_EQ(ExplainConnectionFailure(answer, ConnectionFailure::kNone, history)
                .error_message(),
            "no such agency");
}

}  // namespace
}  // namespace sx::client::internal
