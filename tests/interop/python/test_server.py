#!/usr/bin/python3
"""A grpc.testing.TestService server on Debian's grpcio (C-core), for HvFleet's C# client.

    /usr/bin/python3 test_server.py [--port=0] [--tls_cert=cert.pem --tls_key=key.pem]

Binds 127.0.0.1 (h2c, or TLS with the given PEM certificate and key), prints "LISTENING <port>" once ready and serves until stdin closes.
Implements echo metadata, echo status, interval_us and per-call/per-message response
compression (response_compressed, ResponseParameters.compressed) through generic handlers.
UnimplementedCall stays unimplemented. grpcio does not tell a handler whether the request was
compressed, so expect_compressed is not checked here.
"""

import argparse
import sys
import threading
from concurrent import futures

import grpc

from interop_protos import Protos

P = Protos()
M = P.messages
ECHO_INITIAL = "x-grpc-test-echo-initial"
ECHO_TRAILING = "x-grpc-test-echo-trailing-bin"


def echo_metadata(context):
    """Sends the echoed initial metadata and sets the echoed trailer."""
    metadata = context.invocation_metadata()
    initial = tuple((k, v) for k, v in metadata if k == ECHO_INITIAL)
    if initial:
        context.send_initial_metadata(initial)
    trailing = tuple((k, v) for k, v in metadata if k == ECHO_TRAILING)
    if trailing:
        context.set_trailing_metadata(trailing)


def echo_status(context, status):
    """Ends the call with the requested status when its code is non-zero."""
    if status.code != 0:
        code = next((c for c in grpc.StatusCode if c.value[0] == status.code), grpc.StatusCode.UNKNOWN)
        context.abort(code, status.message)


def payload(size):
    return M.Payload(type=M.COMPRESSABLE, body=b"\0" * size)


def empty_call(request, context):
    echo_metadata(context)
    return P.empty.Empty()


def unary_call(request, context):
    echo_metadata(context)
    echo_status(context, request.response_status)
    if request.response_compressed.value:
        context.set_compression(grpc.Compression.Gzip)
    return M.SimpleResponse(payload=payload(request.response_size))


def stream_responses(requests, context):
    """Yields the responses for each request's parameters, honouring interval_us and compression."""
    compression_set = False
    ended = threading.Event()
    context.add_callback(ended.set)  # fires when the call ends, including client cancellation
    for request in requests:
        echo_status(context, request.response_status)
        for params in request.response_parameters:
            if params.interval_us > 0:
                ended.wait(params.interval_us / 1e6)
            if not context.is_active():
                return
            if params.compressed.value:
                if not compression_set:
                    context.set_compression(grpc.Compression.Gzip)
                    compression_set = True
            elif compression_set:
                context.disable_next_message_compression()
            yield M.StreamingOutputCallResponse(payload=payload(params.size))


def streaming_output_call(request, context):
    echo_metadata(context)
    yield from stream_responses([request], context)


def streaming_input_call(request_iterator, context):
    echo_metadata(context)
    total = sum(len(r.payload.body) for r in request_iterator)
    return M.StreamingInputCallResponse(aggregated_payload_size=total)


def full_duplex_call(request_iterator, context):
    echo_metadata(context)
    yield from stream_responses(request_iterator, context)


def half_duplex_call(request_iterator, context):
    echo_metadata(context)
    requests = list(request_iterator)
    yield from stream_responses(requests, context)


def handlers():
    def unary(fn, req, resp):
        return grpc.unary_unary_rpc_method_handler(fn, req.FromString, resp.SerializeToString)

    return grpc.method_handlers_generic_handler("grpc.testing.TestService", {
        "EmptyCall": unary(empty_call, P.empty.Empty, P.empty.Empty),
        "UnaryCall": unary(unary_call, M.SimpleRequest, M.SimpleResponse),
        "CacheableUnaryCall": unary(unary_call, M.SimpleRequest, M.SimpleResponse),
        "StreamingOutputCall": grpc.unary_stream_rpc_method_handler(
            streaming_output_call, M.StreamingOutputCallRequest.FromString,
            M.StreamingOutputCallResponse.SerializeToString),
        "StreamingInputCall": grpc.stream_unary_rpc_method_handler(
            streaming_input_call, M.StreamingInputCallRequest.FromString,
            M.StreamingInputCallResponse.SerializeToString),
        "FullDuplexCall": grpc.stream_stream_rpc_method_handler(
            full_duplex_call, M.StreamingOutputCallRequest.FromString,
            M.StreamingOutputCallResponse.SerializeToString),
        "HalfDuplexCall": grpc.stream_stream_rpc_method_handler(
            half_duplex_call, M.StreamingOutputCallRequest.FromString,
            M.StreamingOutputCallResponse.SerializeToString),
    })


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls_cert", help="PEM certificate: serve TLS instead of h2c")
    parser.add_argument("--tls_key", help="PEM private key of --tls_cert")
    args = parser.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls_cert and --tls_key go together")

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    server.add_generic_rpc_handlers((handlers(),))
    address = f"127.0.0.1:{args.port}"
    if args.tls_cert:
        with open(args.tls_key, "rb") as key, open(args.tls_cert, "rb") as cert:
            credentials = grpc.ssl_server_credentials([(key.read(), cert.read())])
        port = server.add_secure_port(address, credentials)
    else:
        port = server.add_insecure_port(address)
    if port == 0:
        print(f"test_server: could not bind 127.0.0.1:{args.port}", file=sys.stderr)
        return 1
    server.start()
    print(f"LISTENING {port}", flush=True)
    sys.stdin.read()  # serve until the parent closes stdin
    server.stop(grace=1).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
