#!/usr/bin/env python3
"""Writes HvFleet.Rpc service bindings (grpc-dotnet's generated shape) for the services of .proto files.

Usage: generate-bindings.py OUT.cs FILE.proto [FILE.proto ...]
Our rpc layer replaces grpc-dotnet, whose protoc plugin is not available; protoc itself generates the
messages (Grpc.Tools, GrpcServices="None"). The output is committed; a test checks that every RPC
the descriptors declare is bound with the right kind and types.
"""
import os
import re
import sys


def strip_comments(text):
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def pascal(name):
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[_.]", name) if p)


def parse(path):
    text = strip_comments(open(path, encoding="utf-8").read())
    package = re.search(r"^\s*package\s+([\w.]+)\s*;", text, re.M).group(1)
    ns = re.search(r'option\s+csharp_namespace\s*=\s*"([^"]+)"', text)
    namespace = ns.group(1) if ns else ".".join(pascal(p) for p in package.split("."))
    reflection = pascal(os.path.splitext(os.path.basename(path))[0]) + "Reflection"
    services = []
    lines = text.splitlines()
    i = 0
    doc = []
    current = None
    for raw in lines:
        line = raw.strip()
        if line.startswith("//"):
            doc.append(line[2:].strip())
            continue
        m = re.match(r"service\s+(\w+)\s*\{", line)
        if m:
            current = {"name": m.group(1), "doc": doc, "methods": []}
            services.append(current)
            doc = []
            continue
        m = re.match(r"rpc\s+(\w+)\s*\(\s*(stream\s+)?([\w.]+)\s*\)\s*returns\s*\(\s*(stream\s+)?([\w.]+)\s*\)", line)
        if m and current is not None:
            current["methods"].append({
                "name": m.group(1), "client_stream": bool(m.group(2)), "req": m.group(3),
                "server_stream": bool(m.group(4)), "resp": m.group(5), "doc": doc,
            })
        doc = []
    return package, namespace, reflection, services


def cs_type(name, package):
    if name.startswith(package + "."):
        return name[len(package) + 1:]
    if "." in name:
        parts = name.split(".")
        return "global::" + ".".join(pascal(p) if i < len(parts) - 1 else p for i, p in enumerate(parts))
    return name


def kind(m):
    if m["client_stream"] and m["server_stream"]:
        return "DuplexStreaming"
    if m["client_stream"]:
        return "ClientStreaming"
    if m["server_stream"]:
        return "ServerStreaming"
    return "Unary"


def xml(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def emit(out, package, namespace, reflection, services):
    w = out.append
    for si, s in enumerate(services):
        svc = s["name"]
        full = package + "." + svc
        w(f"namespace {namespace}")
        w("{")
        w(f"    /// <summary>Bindings of <c>{full}</c>{(': ' + xml(' '.join(s['doc']))) if s['doc'] else '.'}</summary>")
        w(f"    public static partial class {svc}")
        w("    {")
        w(f"        public const string ServiceName = \"{full}\";")
        w("")
        for m in s["methods"]:
            req, resp = cs_type(m["req"], package), cs_type(m["resp"], package)
            w(f"        public static readonly global::HvFleet.Rpc.Method<{req}, {resp}> {m['name']}Method =")
            w(f"            new(global::HvFleet.Rpc.MethodType.{kind(m)}, ServiceName, \"{m['name']}\", {req}.Parser, {resp}.Parser);")
            w("")
        w(f"        public static global::Google.Protobuf.Reflection.ServiceDescriptor Descriptor => {reflection}.Descriptor.Services[{si}];")
        w("")
        w(f"        public static void BindService(global::HvFleet.Rpc.Server.ServiceBinderBase binder, {svc}Base service)")
        w("        {")
        w("            global::System.ArgumentNullException.ThrowIfNull(binder);")
        w("            global::System.ArgumentNullException.ThrowIfNull(service);")
        w("            binder.AddServiceDescriptor(Descriptor);")
        for m in s["methods"]:
            w(f"            binder.AddMethod({m['name']}Method, service.{m['name']});")
        w("        }")
        w("")
        w(f"        /// <summary>Base class of <c>{full}</c> implementations; methods not overridden answer UNIMPLEMENTED.</summary>")
        w(f"        [global::HvFleet.Rpc.Server.BindServiceMethod(typeof({svc}), nameof(BindService))]")
        w(f"        public abstract class {svc}Base")
        w("        {")
        for m in s["methods"]:
            req, resp = cs_type(m["req"], package), cs_type(m["resp"], package)
            if m["doc"]:
                w(f"            /// <summary>{xml(' '.join(m['doc']))}</summary>")
            k = kind(m)
            ctx = "global::HvFleet.Rpc.Server.ServerCallContext context"
            if k == "Unary":
                sig = f"global::System.Threading.Tasks.Task<{resp}> {m['name']}({req} request, {ctx})"
            elif k == "ServerStreaming":
                sig = f"global::System.Threading.Tasks.Task {m['name']}({req} request, global::HvFleet.Rpc.IServerStreamWriter<{resp}> responseStream, {ctx})"
            elif k == "ClientStreaming":
                sig = f"global::System.Threading.Tasks.Task<{resp}> {m['name']}(global::HvFleet.Rpc.IAsyncStreamReader<{req}> requestStream, {ctx})"
            else:
                sig = f"global::System.Threading.Tasks.Task {m['name']}(global::HvFleet.Rpc.IAsyncStreamReader<{req}> requestStream, global::HvFleet.Rpc.IServerStreamWriter<{resp}> responseStream, {ctx})"
            w(f"            public virtual {sig} =>")
            w("                throw global::HvFleet.Rpc.Server.Unimplemented.Method();")
            w("")
        if out[-1] == "":
            out.pop()
        w("        }")
        w("")
        w(f"        /// <summary>Typed client of <c>{full}</c>.</summary>")
        w(f"        public sealed class {svc}Client : global::HvFleet.Rpc.Client.ClientBase")
        w("        {")
        w(f"            public {svc}Client(global::HvFleet.Rpc.Client.GrpcChannel channel)")
        w("                : base(channel)")
        w("            {")
        w("            }")
        w("")
        w(f"            public {svc}Client(global::HvFleet.Rpc.Client.CallInvoker callInvoker)")
        w("                : base(callInvoker)")
        w("            {")
        w("            }")
        conv = "global::HvFleet.Rpc.Metadata? headers = null, global::System.DateTime? deadline = null, global::System.Threading.CancellationToken cancellationToken = default"
        opts = "global::HvFleet.Rpc.Client.CallOptions options"
        for m in s["methods"]:
            req, resp = cs_type(m["req"], package), cs_type(m["resp"], package)
            k = kind(m)
            n = m["name"]
            w("")
            if m["doc"]:
                w(f"            /// <summary>{xml(' '.join(m['doc']))}</summary>")
            if k == "Unary":
                rt = f"global::HvFleet.Rpc.Client.AsyncUnaryCall<{resp}>"
                w(f"            public {rt} {n}Async({req} request, {conv}) =>")
                w(f"                {n}Async(request, Options(headers, deadline, cancellationToken));")
                w("")
                w(f"            public {rt} {n}Async({req} request, {opts}) =>")
                w(f"                CallInvoker.AsyncUnaryCall({n}Method, options, request);")
            elif k == "ServerStreaming":
                rt = f"global::HvFleet.Rpc.Client.AsyncServerStreamingCall<{resp}>"
                w(f"            public {rt} {n}({req} request, {conv}) =>")
                w(f"                {n}(request, Options(headers, deadline, cancellationToken));")
                w("")
                w(f"            public {rt} {n}({req} request, {opts}) =>")
                w(f"                CallInvoker.AsyncServerStreamingCall({n}Method, options, request);")
            elif k == "ClientStreaming":
                rt = f"global::HvFleet.Rpc.Client.AsyncClientStreamingCall<{req}, {resp}>"
                w(f"            public {rt} {n}({conv}) =>")
                w(f"                {n}(Options(headers, deadline, cancellationToken));")
                w("")
                w(f"            public {rt} {n}({opts}) =>")
                w(f"                CallInvoker.AsyncClientStreamingCall({n}Method, options);")
            else:
                rt = f"global::HvFleet.Rpc.Client.AsyncDuplexStreamingCall<{req}, {resp}>"
                w(f"            public {rt} {n}({conv}) =>")
                w(f"                {n}(Options(headers, deadline, cancellationToken));")
                w("")
                w(f"            public {rt} {n}({opts}) =>")
                w(f"                CallInvoker.AsyncDuplexStreamingCall({n}Method, options);")
        w("        }")
        w("    }")
        w("}")
        w("")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out = ["// <auto-generated>", "// Written by tools/generate-bindings.py from " + ", ".join(os.path.basename(p) for p in sys.argv[2:]) + ". Do not edit.", "// </auto-generated>", "#nullable enable", ""]
    for path in sys.argv[2:]:
        package, namespace, reflection, services = parse(path)
        emit(out, package, namespace, reflection, services)
    while out[-1] == "":
        out.pop()
    open(sys.argv[1], "w", encoding="utf-8").write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
