#!/usr/bin/python3
"""gRPC interop client on Debian's grpcio (C-core), run with /usr/bin/python3.

    /usr/bin/python3 interop_client.py --server_port=PORT [--server_host=127.0.0.1] [--test_case=a,b]
                                       [--use_tls --ca_file=server.pem]

Runs the cases of the interop reference (section 6.3) plus health and server reflection against
a grpc.testing.TestService server, through generic stubs. Prints "PASS <case>" or
"FAIL <case>: <reason>" per case, then "N passed, N failed"; exits 1 if any case failed.
"""

import argparse
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import time

import grpc
from google.protobuf import descriptor_pb2

from interop_protos import Protos

P = Protos()
M = P.messages
CALL_TIMEOUT = 15.0
SPECIAL_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n"


class CaseFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CaseFailure(message)


def expect_error(fn, code, details=None):
    """Runs fn, which must raise a grpc.RpcError with this code (and details, if given)."""
    try:
        fn()
    except grpc.RpcError as e:
        check(e.code() == code, f"expected {code.name}, got {e.code().name} ({e.details()!r})")
        if details is not None:
            check(e.details() == details, f"details {e.details()!r}, expected {details!r}")
        return e
    raise CaseFailure(f"call succeeded, expected {code.name}")


class Client:
    def __init__(self, target, ca_file=None):
        self.target = target
        options = [("grpc.max_send_message_length", -1)]
        if ca_file is None:
            self.scheme = "http"
            self.channel = grpc.insecure_channel(target, options=options)
        else:
            self.scheme = "https"
            with open(ca_file, "rb") as f:
                credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
            self.channel = grpc.secure_channel(target, credentials, options=options)

    def _path(self, method, service="grpc.testing.TestService"):
        return f"/{service}/{method}"

    def unary(self, method, request_cls, response_cls, service="grpc.testing.TestService"):
        return self.channel.unary_unary(
            self._path(method, service),
            request_serializer=request_cls.SerializeToString,
            response_deserializer=response_cls.FromString)

    def server_stream(self, method, request_cls, response_cls, service="grpc.testing.TestService"):
        return self.channel.unary_stream(
            self._path(method, service),
            request_serializer=request_cls.SerializeToString,
            response_deserializer=response_cls.FromString)

    def duplex(self, method, request_cls, response_cls, service):
        return self.channel.stream_stream(
            self._path(method, service),
            request_serializer=request_cls.SerializeToString,
            response_deserializer=response_cls.FromString)

    @property
    def unary_call(self):
        return self.unary("UnaryCall", M.SimpleRequest, M.SimpleResponse)

    @property
    def streaming_output_call(self):
        return self.server_stream("StreamingOutputCall", M.StreamingOutputCallRequest, M.StreamingOutputCallResponse)


def payload(size):
    return M.Payload(type=M.COMPRESSABLE, body=b"\0" * size)


# --- the wire check with nghttp: grpcio hides the per-message compressed flag -----------------

def frame(message_bytes):
    return b"\0" + len(message_bytes).to_bytes(4, "big") + message_bytes


def parse_frames(data):
    """Returns the compressed flags of the length-prefixed messages in a response body."""
    flags = []
    offset = 0
    while offset + 5 <= len(data):
        flags.append(data[offset])
        length = int.from_bytes(data[offset + 1:offset + 5], "big")
        offset += 5 + length
    check(offset == len(data), f"response body of {len(data)} bytes does not split into whole gRPC frames")
    return flags


def wire_flags(client, method, request):
    """Calls method with nghttp and returns the compressed flag of every response message."""
    nghttp = shutil.which("nghttp")
    check(nghttp is not None, "nghttp not found: install Debian's nghttp2-client")
    with tempfile.NamedTemporaryFile(suffix=".bin") as body:
        body.write(frame(request.SerializeToString()))
        body.flush()
        result = subprocess.run(
            [nghttp, "-H", "content-type: application/grpc", "-H", "te: trailers",
             "-H", "grpc-accept-encoding: gzip", "-d", body.name,
             f"{client.scheme}://{client.target}/grpc.testing.TestService/{method}"],
            capture_output=True, timeout=CALL_TIMEOUT, check=False)
    check(result.returncode == 0, f"nghttp failed: {result.stderr.decode(errors='replace').strip()}")
    return parse_frames(result.stdout)


FRAME_LINE = re.compile(r"\[\s*([\d.]+)\] recv (HEADERS|DATA|RST_STREAM) frame <length=(\d+), flags=0x([0-9a-f]+), stream_id=(\d+)>")
HEADER_LINE = re.compile(r"\[\s*([\d.]+)\] recv \(stream_id=(\d+)\) (\S+): (.*)$")
END_STREAM = 0x1


def wire_frames(client, path, body, headers):
    """Sends one request with nghttp -v; returns the frames received on its stream, in order.

    Each frame is a dict: type, flags, time (s since start), headers (for HEADERS frames)."""
    nghttp = shutil.which("nghttp")
    check(nghttp is not None, "nghttp not found: install Debian's nghttp2-client")
    with tempfile.NamedTemporaryFile(suffix=".bin") as body_file:
        body_file.write(body)
        body_file.flush()
        args = [nghttp, "-v", "-d", body_file.name]
        for name, value in headers:
            args += ["-H", f"{name}: {value}"]
        result = subprocess.run(args + [f"{client.scheme}://{client.target}{path}"], capture_output=True, timeout=CALL_TIMEOUT,
                                check=False)
    frames = []
    pending = {}
    for line in result.stdout.decode("utf-8", errors="replace").splitlines():
        header = HEADER_LINE.search(line)
        if header:
            pending[header.group(3)] = header.group(4)
            continue
        frame_match = FRAME_LINE.search(line)
        if frame_match and frame_match.group(5) != "0":
            frame_type = frame_match.group(2)
            frames.append({"type": frame_type, "flags": int(frame_match.group(4), 16),
                           "time": float(frame_match.group(1)),
                           "headers": pending if frame_type == "HEADERS" else {}})
            if frame_type == "HEADERS":
                pending = {}
    check(frames, f"nghttp received no frames (exit {result.returncode}): {result.stderr.decode(errors='replace')}")
    return frames


GRPC_HEADERS = (("content-type", "application/grpc"), ("te", "trailers"))


def wire_trailers_only(c):
    frames = wire_frames(c, "/grpc.testing.TestService/UnimplementedCall", frame(b""), GRPC_HEADERS)
    check(len(frames) == 1, f"expected one HEADERS frame, got {[f['type'] for f in frames]}")
    only = frames[0]
    check(only["type"] == "HEADERS" and only["flags"] & END_STREAM, f"frame {only['type']} flags {only['flags']:#x}")
    check(only["headers"].get(":status") == "200", f":status {only['headers'].get(':status')}")
    check(only["headers"].get("grpc-status") == "12", f"grpc-status {only['headers'].get('grpc-status')}")


def wire_unsupported_content_type(c):
    frames = wire_frames(c, "/grpc.testing.TestService/UnaryCall", frame(b""),
                         (("content-type", "application/json"), ("te", "trailers")))
    check(frames[0]["headers"].get(":status") == "415", f":status {frames[0]['headers'].get(':status')}")


def wire_frame_order(c):
    request = M.SimpleRequest(response_size=64).SerializeToString()
    frames = wire_frames(c, "/grpc.testing.TestService/UnaryCall", frame(request), GRPC_HEADERS)
    kinds = [f["type"] for f in frames]
    check(kinds[0] == "HEADERS" and kinds[-1] == "HEADERS" and set(kinds[1:-1]) == {"DATA"},
          f"frames {kinds}, expected HEADERS, DATA..., HEADERS")
    check("grpc-status" not in frames[0]["headers"], "status sent in the response headers")
    check(not frames[0]["flags"] & END_STREAM, "response headers end the stream")
    check(frames[-1]["flags"] & END_STREAM and frames[-1]["headers"].get("grpc-status") == "0",
          f"trailers {frames[-1]['headers']}")


def wire_server_deadline(c):
    request = M.StreamingOutputCallRequest(
        response_parameters=[M.ResponseParameters(size=1, interval_us=5_000_000)]).SerializeToString()
    frames = wire_frames(c, "/grpc.testing.TestService/StreamingOutputCall", frame(request),
                         GRPC_HEADERS + (("grpc-timeout", "300m"),))
    status = next((f for f in frames if "grpc-status" in f["headers"]), None)
    check(status is not None, f"no grpc-status received: {[f['type'] for f in frames]}")
    check(status["headers"]["grpc-status"] == "4", f"grpc-status {status['headers']['grpc-status']}")
    # Not before the 300 ms deadline, and well before the 5 s response would have come.
    check(0.25 <= status["time"] < 4.0, f"grpc-status 4 after {status['time']:.3f}s, expected about 0.3s")


# --- cases -------------------------------------------------------------------------------------

def empty_unary(c):
    call = c.unary("EmptyCall", P.empty.Empty, P.empty.Empty)
    response = call(P.empty.Empty(), timeout=CALL_TIMEOUT)
    check(response.ByteSize() == 0, "response is not empty")


def large_unary(c):
    response = c.unary_call(M.SimpleRequest(response_type=M.COMPRESSABLE, response_size=314159, payload=payload(271828)),
                            timeout=CALL_TIMEOUT)
    check(len(response.payload.body) == 314159, f"payload {len(response.payload.body)} bytes, expected 314159")
    check(response.payload.body == b"\0" * 314159, "payload is not all zeros")


def server_streaming(c):
    sizes = [31415, 9, 2653, 58979]
    request = M.StreamingOutputCallRequest(response_type=M.COMPRESSABLE,
                                           response_parameters=[M.ResponseParameters(size=s) for s in sizes])
    got = [len(r.payload.body) for r in c.streaming_output_call(request, timeout=CALL_TIMEOUT)]
    check(got == sizes, f"sizes {got}, expected {sizes}")


def custom_metadata(c):
    trailing = b"\xab\xab\xab"
    request = M.SimpleRequest(response_type=M.COMPRESSABLE, response_size=314159, payload=payload(271828))
    response, call = c.unary_call.with_call(
        request, timeout=CALL_TIMEOUT,
        metadata=(("x-grpc-test-echo-initial", "test_initial_metadata_value"),
                  ("x-grpc-test-echo-trailing-bin", trailing)))
    check(len(response.payload.body) == 314159, "wrong response size")
    initial = dict(call.initial_metadata())
    check(initial.get("x-grpc-test-echo-initial") == "test_initial_metadata_value",
          f"initial metadata {call.initial_metadata()!r}")
    trailers = dict(call.trailing_metadata())
    check(trailers.get("x-grpc-test-echo-trailing-bin") == trailing, f"trailing metadata {call.trailing_metadata()!r}")


def status_code_and_message(c):
    request = M.SimpleRequest(response_status=M.EchoStatus(code=2, message="test status message"))
    expect_error(lambda: c.unary_call(request, timeout=CALL_TIMEOUT), grpc.StatusCode.UNKNOWN, "test status message")


def special_status_message(c):
    request = M.SimpleRequest(response_status=M.EchoStatus(code=2, message=SPECIAL_MESSAGE))
    expect_error(lambda: c.unary_call(request, timeout=CALL_TIMEOUT), grpc.StatusCode.UNKNOWN, SPECIAL_MESSAGE)


def unimplemented_method(c):
    call = c.unary("UnimplementedCall", P.empty.Empty, P.empty.Empty)
    expect_error(lambda: call(P.empty.Empty(), timeout=CALL_TIMEOUT), grpc.StatusCode.UNIMPLEMENTED)


def unimplemented_service(c):
    call = c.unary("UnimplementedCall", P.empty.Empty, P.empty.Empty, service="grpc.testing.UnimplementedService")
    expect_error(lambda: call(P.empty.Empty(), timeout=CALL_TIMEOUT), grpc.StatusCode.UNIMPLEMENTED)


def client_compressed_unary(c):
    def request(expect):
        return M.SimpleRequest(response_type=M.COMPRESSABLE, response_size=314159, payload=payload(271828),
                               expect_compressed=M.BoolValue(value=expect))

    # The probe: an uncompressed request that claims to be compressed must be refused.
    expect_error(lambda: c.unary_call(request(True), timeout=CALL_TIMEOUT, compression=grpc.Compression.NoCompression),
                 grpc.StatusCode.INVALID_ARGUMENT)
    response = c.unary_call(request(True), timeout=CALL_TIMEOUT, compression=grpc.Compression.Gzip)
    check(len(response.payload.body) == 314159, "compressed request: wrong response size")
    response = c.unary_call(request(False), timeout=CALL_TIMEOUT, compression=grpc.Compression.NoCompression)
    check(len(response.payload.body) == 314159, "uncompressed request: wrong response size")


def server_compressed_unary(c):
    for compressed in (True, False):
        request = M.SimpleRequest(response_type=M.COMPRESSABLE, response_size=314159, payload=payload(271828),
                                  response_compressed=M.BoolValue(value=compressed))
        response = c.unary_call(request, timeout=CALL_TIMEOUT)
        check(len(response.payload.body) == 314159, f"compressed={compressed}: wrong response size")
        flags = wire_flags(c, "UnaryCall", request)
        check(flags == [1 if compressed else 0], f"compressed={compressed}: wire flags {flags}")


def server_compressed_streaming(c):
    request = M.StreamingOutputCallRequest(
        response_type=M.COMPRESSABLE,
        response_parameters=[M.ResponseParameters(size=31415, compressed=M.BoolValue(value=True)),
                             M.ResponseParameters(size=92653, compressed=M.BoolValue(value=False))])
    got = [len(r.payload.body) for r in c.streaming_output_call(request, timeout=CALL_TIMEOUT)]
    check(got == [31415, 92653], f"sizes {got}")
    flags = wire_flags(c, "StreamingOutputCall", request)
    check(flags == [1, 0], f"wire flags {flags}, expected [1, 0]")


def deadline_on_slow_stream(c):
    request = M.StreamingOutputCallRequest(
        response_type=M.COMPRESSABLE, response_parameters=[M.ResponseParameters(size=1, interval_us=5_000_000)])
    started = time.monotonic()

    def run():
        for _ in c.streaming_output_call(request, timeout=0.2):
            pass

    expect_error(run, grpc.StatusCode.DEADLINE_EXCEEDED)
    elapsed = time.monotonic() - started
    # Well before the 5 s response; the margin keeps a loaded CI machine from failing it.
    check(elapsed < 4.0, f"DEADLINE_EXCEEDED after {elapsed:.2f}s, expected about 0.2s")


def cancel_after_first_response(c):
    request = M.StreamingOutputCallRequest(
        response_type=M.COMPRESSABLE,
        response_parameters=[M.ResponseParameters(size=31415), M.ResponseParameters(size=9, interval_us=5_000_000)])
    call = c.streaming_output_call(request, timeout=CALL_TIMEOUT)
    first = next(call)
    check(len(first.payload.body) == 31415, "first response has the wrong size")
    call.cancel()
    check(call.code() == grpc.StatusCode.CANCELLED, f"status {call.code()}")


def oversize_request(c):
    request = M.SimpleRequest(response_type=M.COMPRESSABLE, response_size=1, payload=payload(4 * 1024 * 1024 + 1))
    expect_error(lambda: c.unary_call(request, timeout=CALL_TIMEOUT), grpc.StatusCode.RESOURCE_EXHAUSTED)


def health_check(c):
    H = P.health
    check_call = c.unary("Check", H.HealthCheckRequest, H.HealthCheckResponse, service="grpc.health.v1.Health")
    response = check_call(H.HealthCheckRequest(service=""), timeout=CALL_TIMEOUT)
    check(response.status == H.HealthCheckResponse.SERVING, f"overall status {response.status}")
    response = check_call(H.HealthCheckRequest(service="grpc.testing.TestService"), timeout=CALL_TIMEOUT)
    check(response.status == H.HealthCheckResponse.SERVING, f"grpc.testing.TestService status {response.status}")
    expect_error(lambda: check_call(H.HealthCheckRequest(service="no.such.Service"), timeout=CALL_TIMEOUT),
                 grpc.StatusCode.NOT_FOUND)


def health_watch(c):
    H = P.health
    watch = c.server_stream("Watch", H.HealthCheckRequest, H.HealthCheckResponse, service="grpc.health.v1.Health")
    stream = watch(H.HealthCheckRequest(service=""), timeout=CALL_TIMEOUT)
    first = next(stream)
    check(first.status == H.HealthCheckResponse.SERVING, f"overall watch status {first.status}")
    stream.cancel()

    # An unknown service gets SERVICE_UNKNOWN and the stream stays open: it ends only at our deadline.
    stream = watch(H.HealthCheckRequest(service="no.such.Service"), timeout=3.0)
    first = next(stream)
    check(first.status == H.HealthCheckResponse.SERVICE_UNKNOWN, f"unknown service watch status {first.status}")

    def rest():
        for message in stream:
            raise CaseFailure(f"unexpected further watch message {message.status}")

    expect_error(rest, grpc.StatusCode.DEADLINE_EXCEEDED)


# --- reflection ----------------------------------------------------------------------------------

def reflect(c, version, requests):
    """Sends the requests on one reflection stream, answering each before the next."""
    R = getattr(P, f"reflection_{version}")
    call = c.duplex("ServerReflectionInfo", R.ServerReflectionRequest, R.ServerReflectionResponse,
                    service=f"grpc.reflection.{version}.ServerReflection")
    outbox = queue.Queue()
    done = object()

    def request_iterator():
        while True:
            item = outbox.get()
            if item is done:
                return
            yield item

    responses = call(request_iterator(), timeout=CALL_TIMEOUT)
    answers = []
    try:
        for request in requests:
            outbox.put(R.ServerReflectionRequest(**request))
            answers.append(next(responses))
    finally:
        outbox.put(done)
    rest = list(responses)
    check(not rest, f"{len(rest)} unexpected extra reflection responses")
    return answers


def file_descriptors(answer):
    check(answer.WhichOneof("message_response") == "file_descriptor_response",
          f"expected file_descriptor_response, got {answer.WhichOneof('message_response')}: {answer}")
    files = {}
    for raw in answer.file_descriptor_response.file_descriptor_proto:
        fd = descriptor_pb2.FileDescriptorProto.FromString(raw)
        files[fd.name] = fd
    return files


def reflection_case(version):
    def run(c):
        answers = reflect(c, version, [
            {"list_services": ""},
            {"file_containing_symbol": "grpc.testing.TestService"},
            {"file_by_filename": "src/proto/grpc/testing/messages.proto"},
            {"file_containing_symbol": "grpc.testing.SimpleRequest"},
            {"file_containing_symbol": "no.such.Symbol"},
        ])
        listed, by_service, by_file, by_message, missing = answers

        names = {s.name for s in listed.list_services_response.service}
        for expected in ("grpc.testing.TestService", "grpc.testing.UnimplementedService", "bench.v1.Echo",
                         "grpc.health.v1.Health", f"grpc.reflection.{version}.ServerReflection"):
            check(expected in names, f"list_services lacks {expected}: {sorted(names)}")

        files = file_descriptors(by_service)
        test_file = "src/proto/grpc/testing/test.proto"
        check(test_file in files, f"file_containing_symbol returned {sorted(files)}")
        for dependency in files[test_file].dependency:
            check(dependency in files, f"dependency {dependency} of {test_file} missing from {sorted(files)}")
        service = next((s for s in files[test_file].service if s.name == "TestService"), None)
        check(service is not None, "test.proto has no TestService")
        methods = {m.name: m for m in service.method}
        for name in ("EmptyCall", "UnaryCall", "StreamingOutputCall", "StreamingInputCall", "FullDuplexCall",
                     "HalfDuplexCall", "UnimplementedCall"):
            check(name in methods, f"TestService lacks {name}")
        check(methods["FullDuplexCall"].client_streaming and methods["FullDuplexCall"].server_streaming,
              "FullDuplexCall is not described as bidirectional")
        check(methods["UnaryCall"].input_type == ".grpc.testing.SimpleRequest", methods["UnaryCall"].input_type)

        messages = file_descriptors(by_file)
        check("src/proto/grpc/testing/messages.proto" in messages, f"file_by_filename returned {sorted(messages)}")
        simple = next((m for m in messages["src/proto/grpc/testing/messages.proto"].message_type
                       if m.name == "SimpleRequest"), None)
        check(simple is not None, "messages.proto lacks SimpleRequest")
        fields = {f.name: f.number for f in simple.field}
        check(fields.get("response_size") == 2 and fields.get("expect_compressed") == 8, f"SimpleRequest fields {fields}")

        # On the same stream, a file already sent may be skipped, so either form is fine here.
        check(by_message.WhichOneof("message_response") in ("file_descriptor_response",), "SimpleRequest lookup failed")

        check(missing.WhichOneof("message_response") == "error_response",
              f"unknown symbol gave {missing.WhichOneof('message_response')}")
        check(missing.error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0],
              f"unknown symbol error code {missing.error_response.error_code}")
    run.__name__ = f"reflection_{version}"
    return run


CASES = [
    empty_unary, large_unary, server_streaming, custom_metadata, status_code_and_message, special_status_message,
    unimplemented_method, unimplemented_service, client_compressed_unary, server_compressed_unary,
    server_compressed_streaming, deadline_on_slow_stream, cancel_after_first_response, oversize_request,
    health_check, health_watch, reflection_case("v1"), reflection_case("v1alpha"), wire_trailers_only,
    wire_unsupported_content_type, wire_frame_order, wire_server_deadline,
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server_host", default="127.0.0.1")
    parser.add_argument("--server_port", type=int, required=True)
    parser.add_argument("--test_case", default="all")
    parser.add_argument("--use_tls", action="store_true", help="TLS (ALPN h2) instead of h2c")
    parser.add_argument("--ca_file", help="PEM root certificate to trust with --use_tls")
    args = parser.parse_args()
    if args.use_tls and not args.ca_file:
        parser.error("--use_tls needs --ca_file")

    by_name = {case.__name__: case for case in CASES}
    names = list(by_name) if args.test_case == "all" else args.test_case.split(",")
    unknown = [n for n in names if n not in by_name]
    if unknown:
        parser.error(f"unknown test case(s) {unknown}; known: {', '.join(by_name)}")

    client = Client(f"{args.server_host}:{args.server_port}", args.ca_file if args.use_tls else None)
    passed = failed = 0
    for name in names:
        try:
            by_name[name](client)
            passed += 1
            print(f"PASS {name}", flush=True)
        except (CaseFailure, grpc.RpcError, StopIteration, subprocess.SubprocessError) as e:
            failed += 1
            reason = f"{e.code().name}: {e.details()}" if isinstance(e, grpc.RpcError) else (str(e) or type(e).__name__)
            print(f"FAIL {name}: {' '.join(reason.split())}", flush=True)
    client.channel.close()
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
