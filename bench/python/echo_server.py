#!/usr/bin/python3
"""bench.v1.Echo on Debian's grpcio (asyncio server, generic handlers), for bench/grpc-bench.sh.

    /usr/bin/python3 echo_server.py [--port=0]

Prints "LISTENING <port>" when ready and serves until terminated.
"""

import argparse
import asyncio
import os
import sys

import grpc

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "interop", "python"))
from interop_protos import Protos  # noqa: E402  (path set just above)

E = Protos().echo
MAX_RESPONSE_SIZE = 4 * 1024 * 1024


async def check_size(size, context):
    if size < 0 or size > MAX_RESPONSE_SIZE:
        await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "response_size must be between 0 and 4 MiB")


async def unary(request, context):
    await check_size(request.response_size, context)
    return E.EchoReply(payload=b"\0" * request.response_size)


async def stream(request, context):
    await check_size(request.response_size, context)
    reply = E.EchoReply(payload=b"\0" * request.response_size)
    for _ in range(request.count):
        yield reply


async def serve(port):
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("bench.v1.Echo", {
        "Unary": grpc.unary_unary_rpc_method_handler(unary, E.EchoRequest.FromString, E.EchoReply.SerializeToString),
        "Stream": grpc.unary_stream_rpc_method_handler(stream, E.EchoStreamRequest.FromString,
                                                       E.EchoReply.SerializeToString),
    }),))
    selected = server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    print(f"LISTENING {selected}", flush=True)
    await server.wait_for_termination()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    asyncio.run(serve(parser.parse_args().port))


if __name__ == "__main__":
    main()
