using System.Collections.Frozen;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using HvFleet.Rpc.Server;

namespace HvFleet.Rpc.Reflection;

/// <summary>
/// Answers reflection requests over the descriptors of every mapped service: service list, the
/// file defining a symbol, a file by name, each with its transitive dependencies (reference §3.2).
/// Shared by the v1 and v1alpha services, whose messages are identical.
/// </summary>
public sealed class ReflectionCore
{
    private readonly Lazy<Index> _index;

    public ReflectionCore(RpcServiceRegistry registry)
    {
        _index = new Lazy<Index>(() => Index.Build(registry.ServiceDescriptors));
    }

    public IReadOnlyList<string> ListServices() => _index.Value.Services;

    /// <summary>The file defining a symbol (service, method, message, enum, field or nested type), or null.</summary>
    public FileDescriptor? FindFileContainingSymbol(string symbol) =>
        _index.Value.Symbols.TryGetValue(symbol.TrimStart('.'), out var file) ? file : null;

    public FileDescriptor? FindFileByName(string name) =>
        _index.Value.Files.TryGetValue(name, out var file) ? file : null;

    /// <summary>The file and its transitive dependencies not yet sent on this stream, dependencies last.</summary>
    public static List<ByteString> WithDependencies(FileDescriptor file, HashSet<string> alreadySent)
    {
        var result = new List<ByteString>();
        var stack = new Stack<FileDescriptor>();
        stack.Push(file);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            if (!alreadySent.Add(current.Name))
            {
                continue;
            }

            result.Add(current.SerializedData);
            foreach (var dependency in current.Dependencies)
            {
                stack.Push(dependency);
            }
        }

        return result;
    }

    private sealed record Index(IReadOnlyList<string> Services, FrozenDictionary<string, FileDescriptor> Symbols, FrozenDictionary<string, FileDescriptor> Files)
    {
        public static Index Build(IReadOnlyList<ServiceDescriptor> services)
        {
            var symbols = new Dictionary<string, FileDescriptor>(StringComparer.Ordinal);
            var files = new Dictionary<string, FileDescriptor>(StringComparer.Ordinal);
            var pending = new Stack<FileDescriptor>(services.Select(s => s.File));
            while (pending.Count > 0)
            {
                var file = pending.Pop();
                if (!files.TryAdd(file.Name, file))
                {
                    continue;
                }

                foreach (var service in file.Services)
                {
                    symbols.TryAdd(service.FullName, file);
                    foreach (var method in service.Methods)
                    {
                        symbols.TryAdd(method.FullName, file);
                    }
                }

                foreach (var message in file.MessageTypes)
                {
                    AddMessage(message, file, symbols);
                }

                foreach (var enumType in file.EnumTypes)
                {
                    symbols.TryAdd(enumType.FullName, file);
                }

                foreach (var dependency in file.Dependencies)
                {
                    pending.Push(dependency);
                }
            }

            return new Index(
                [.. services.Select(s => s.FullName).Distinct().Order(StringComparer.Ordinal)],
                symbols.ToFrozenDictionary(StringComparer.Ordinal),
                files.ToFrozenDictionary(StringComparer.Ordinal));
        }

        private static void AddMessage(MessageDescriptor message, FileDescriptor file, Dictionary<string, FileDescriptor> symbols)
        {
            symbols.TryAdd(message.FullName, file);
            foreach (var field in message.Fields.InDeclarationOrder())
            {
                symbols.TryAdd(field.FullName, file);
            }

            foreach (var nested in message.NestedTypes)
            {
                AddMessage(nested, file, symbols);
            }

            foreach (var enumType in message.EnumTypes)
            {
                symbols.TryAdd(enumType.FullName, file);
            }
        }
    }
}
