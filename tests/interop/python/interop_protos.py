"""Generates and loads the Python message classes the interop scripts need.

protoc (Debian's protobuf-compiler) writes *_pb2 modules into a fresh temporary directory on
every run, so nothing generated is ever committed. The grpc.health / grpc.reflection protos are
loaded by file path under private module names, because a package named ``grpc`` in the
generated tree would shadow grpcio itself.
"""

import atexit
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile

import google.protobuf

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
INTEROP_PROTOS = os.path.join(REPO, "tests", "interop", "protos")
API_PROTOS = os.path.join(REPO, "protos")

TESTING_FILES = [
    "src/proto/grpc/testing/empty.proto",
    "src/proto/grpc/testing/messages.proto",
    "src/proto/grpc/testing/test.proto",
    "bench/v1/echo.proto",
]
API_FILES = {
    "health": "grpc/health/v1/health.proto",
    "reflection_v1": "grpc/reflection/v1/reflection.proto",
    "reflection_v1alpha": "grpc/reflection/v1alpha/reflection.proto",
}


def _check_protoc_version(protoc):
    """python3-protobuf 4.21.x accepts code from protoc 3.21.x (same minor): fail clearly if not."""
    out = subprocess.run([protoc, "--version"], check=True, capture_output=True, text=True).stdout
    match = re.search(r"(\d+)\.(\d+)", out)
    runtime = google.protobuf.__version__.split(".")
    if not match or match.group(2) != runtime[1]:
        raise RuntimeError(
            f"protoc '{out.strip()}' does not match the protobuf runtime {google.protobuf.__version__}: "
            "install Debian's protobuf-compiler and python3-protobuf from the same release")


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class Protos:
    """The generated modules: empty, messages, test, echo, health, reflection_v1, reflection_v1alpha."""

    def __init__(self):
        protoc = shutil.which("protoc")
        if protoc is None:
            raise RuntimeError("protoc not found: install Debian's protobuf-compiler")
        _check_protoc_version(protoc)
        gen = tempfile.mkdtemp(prefix="hvfleet-interop-gen-")
        atexit.register(shutil.rmtree, gen, True)
        subprocess.run([protoc, "-I", INTEROP_PROTOS, f"--python_out={gen}", *TESTING_FILES], check=True)
        api_gen = os.path.join(gen, "api")
        os.makedirs(api_gen)
        subprocess.run([protoc, "-I", API_PROTOS, f"--python_out={api_gen}", *API_FILES.values()], check=True)

        sys.path.insert(0, gen)
        self.empty = importlib.import_module("src.proto.grpc.testing.empty_pb2")
        self.messages = importlib.import_module("src.proto.grpc.testing.messages_pb2")
        self.test = importlib.import_module("src.proto.grpc.testing.test_pb2")
        self.echo = importlib.import_module("bench.v1.echo_pb2")
        for attr, rel in API_FILES.items():
            module_path = os.path.join(api_gen, rel.replace(".proto", "_pb2.py"))
            setattr(self, attr, _load(f"hvfleet_interop_{attr}_pb2", module_path))
