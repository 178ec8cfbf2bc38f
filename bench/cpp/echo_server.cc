// bench.v1.Echo on C++ gRPC (Debian's libgrpc++-dev) with the callback API: the reference server
// that bench/grpc-bench.sh compares HvFleet's server with.
//
//   echo_server --port N     (N = 0 picks a free port; prints "LISTENING <port>" when ready)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "bench/v1/echo.grpc.pb.h"

namespace {

constexpr int kMaxResponseSize = 4 * 1024 * 1024;

grpc::Status CheckSize(int size) {
  if (size < 0 || size > kMaxResponseSize) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "response_size must be between 0 and 4 MiB");
  }
  return grpc::Status::OK;
}

// Writes `count` replies one after the other, each once the previous write has completed.
class StreamWriter final : public grpc::ServerWriteReactor<bench::v1::EchoReply> {
 public:
  StreamWriter(int count, int size) : remaining_(count) {
    reply_.mutable_payload()->assign(static_cast<size_t>(size), '\0');
    Next();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "write failed"));
      return;
    }
    Next();
  }

  void OnDone() override { delete this; }

 private:
  void Next() {
    if (remaining_ > 0) {
      --remaining_;
      StartWrite(&reply_);
    } else {
      Finish(grpc::Status::OK);
    }
  }

  bench::v1::EchoReply reply_;
  int remaining_;
};

class EchoService final : public bench::v1::Echo::CallbackService {
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context, const bench::v1::EchoRequest* request,
                                  bench::v1::EchoReply* reply) override {
    auto* reactor = context->DefaultReactor();
    grpc::Status status = CheckSize(request->response_size());
    if (status.ok()) {
      reply->mutable_payload()->assign(static_cast<size_t>(request->response_size()), '\0');
    }
    reactor->Finish(status);
    return reactor;
  }

  grpc::ServerWriteReactor<bench::v1::EchoReply>* Stream(grpc::CallbackServerContext* context,
                                                         const bench::v1::EchoStreamRequest* request) override {
    grpc::Status status = CheckSize(request->response_size());
    if (!status.ok() || request->count() < 0) {
      class Failed final : public grpc::ServerWriteReactor<bench::v1::EchoReply> {
       public:
        explicit Failed(grpc::Status s) { Finish(s); }
        void OnDone() override { delete this; }
      };
      return new Failed(status.ok() ? grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "count must be >= 0") : status);
    }
    return new StreamWriter(request->count(), request->response_size());
  }
};

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      port = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s --port N\n", argv[0]);
      return 2;
    }
  }

  EchoService service;
  int selected = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:" + std::to_string(port), grpc::InsecureServerCredentials(), &selected);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || selected == 0) {
    std::fprintf(stderr, "echo_server: could not listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  std::printf("LISTENING %d\n", selected);
  std::fflush(stdout);
  server->Wait();
  return 0;
}
