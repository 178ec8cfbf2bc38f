"""grpcio (Debian) against an agent over mutual TLS with certificates made by `hvfleet pki`.

Usage: /usr/bin/python3 agent_mtls_client.py HOST:PORT PROTO_ROOT PKI_DIR
PKI_DIR holds ca.crt, ops.crt/ops.key (operator) and viewer.crt/viewer.key.
"""
import os
import subprocess
import sys
import tempfile

import grpc

target, proto_root, pki = sys.argv[1:4]
gen = tempfile.mkdtemp(prefix="hvfleet-pygen-")
protos = [os.path.join(proto_root, "hvfleet/agent/v1", f) for f in ("host_agent.proto", "jobs.proto", "inventory.proto")]
subprocess.run(["protoc", "-I", proto_root, "--python_out=" + gen] + protos, check=True)
sys.path.insert(0, gen)

from hvfleet.agent.v1 import host_agent_pb2 as agent  # noqa: E402
from hvfleet.agent.v1 import inventory_pb2 as inventory  # noqa: E402
from hvfleet.agent.v1 import jobs_pb2 as jobs  # noqa: E402


def read(name):
    with open(os.path.join(pki, name), "rb") as f:
        return f.read()


def channel_for(name):
    credentials = grpc.ssl_channel_credentials(root_certificates=read("ca.crt"), private_key=read(name + ".key"),
                                               certificate_chain=read(name + ".crt"))
    return grpc.secure_channel(target, credentials, options=[("grpc.ssl_target_name_override", "localhost")])


prefix = "/hvfleet.agent.v1.HostAgent/"
ops = channel_for("ops")
viewer = channel_for("viewer")


def unary(channel, method, request, response_type):
    return channel.unary_unary(prefix + method, request_serializer=request.SerializeToString,
                               response_deserializer=response_type.FromString)(request, timeout=30)


def stream(channel, method, request):
    call = channel.unary_stream(prefix + method, request_serializer=request.SerializeToString,
                                response_deserializer=jobs.JobEvent.FromString)
    return list(call(request, timeout=120))


info = unary(viewer, "GetHostInfo", agent.GetHostInfoRequest(), agent.GetHostInfoResponse)
assert info.certificate.subject.startswith("CN=agent"), info.certificate
print("host-info over mTLS ok", info.certificate.subject, info.certificate.thumbprint)

group = sorted(unary(ops, "ListCollections", agent.ListCollectionsRequest(), agent.ListCollectionsResponse).collections,
               key=lambda g: g.name)[0]

try:
    stream(viewer, "CreateSnapshot", agent.CreateSnapshotRequest(collection_id=group.id, snapshot_type=inventory.SNAPSHOT_TYPE_RECOVERY))
    raise SystemExit("viewer was allowed to snapshot")
except grpc.RpcError as e:
    assert e.code() == grpc.StatusCode.PERMISSION_DENIED, e
    assert "operator" in e.details(), e.details()
    print("viewer snapshot denied ok:", e.details())

events = stream(ops, "CreateSnapshot", agent.CreateSnapshotRequest(collection_id=group.id, snapshot_type=inventory.SNAPSHOT_TYPE_RECOVERY, request_id="py-mtls-1"))
final = events[-1].job
assert final.state == jobs.JOB_STATE_COMPLETED, final
print("operator snapshot ok", final.result.snapshot_ids[0])

try:
    stream(ops, "DeleteSnapshot", agent.DeleteSnapshotRequest(snapshot_id=final.result.snapshot_ids[0]))
    raise SystemExit("operator was allowed to delete")
except grpc.RpcError as e:
    assert e.code() == grpc.StatusCode.PERMISSION_DENIED, e
    assert "admin" in e.details(), e.details()
    print("operator delete denied ok:", e.details())

print("ALL OK")
