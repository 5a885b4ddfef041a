#include "tests/e2e/health_check.h"

#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "grpcpp/generic/generic_stub.h"
#include "tests/e2e/hub_process.h"

namespace sx::testing {

int HealthStatus(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::GenericStub generic(channel);
  grpc::Slice empty("");  // HealthCheckRequest{service: ""}: the server
  grpc::ByteBuffer request(&empty, 1);
  grpc::ByteBuffer response;
  auto context = Context();
  absl::Mutex mu;
  bool done = false;
  grpc::Status status;
  generic.UnaryCall(context.get(), "/grpc.health.v1.Health/Check", {}, &request,
                    &response, [&](grpc::Status s) {
                      absl::MutexLock lock(&mu);
                      status = s;
                      done = true;
                    });
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(&done));
  std::vector<grpc::Slice> slices;
  if (!status.ok() || !response.Dump(&slices).ok()) return -1;
  std::string bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  // HealthCheckResponse{status}: field 1, varint.
  return bytes.size() == 2 && bytes[0] == '\x08' ? bytes[1] : -1;
}

}  // namespace sx::testing
