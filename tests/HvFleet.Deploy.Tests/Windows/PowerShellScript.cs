using System.Text;
using System.Text.RegularExpressions;

namespace HvFleet.Deploy.Tests.Windows;

/// <summary>
/// A static reading of a PowerShell script, for checks where no PowerShell runs (none is on our
/// registries): comments and string contents told apart from code, brackets matched, the param
/// block's names, and which lines run only under <c>$PSCmdlet.ShouldProcess</c> or in a function body.
/// </summary>
internal sealed partial class PowerShellScript
{
    private PowerShellScript(string text, string code, string withoutComments, IReadOnlyList<string> bracketErrors, IReadOnlyList<LineInfo> lines)
    {
        Text = text;
        Code = code;
        WithoutComments = withoutComments;
        BracketErrors = bracketErrors;
        Lines = lines;
    }

    public string Text { get; }

    /// <summary>The script with comments and string contents blanked (same length, same lines).</summary>
    public string Code { get; }

    /// <summary>The script with comments blanked, strings kept.</summary>
    public string WithoutComments { get; }

    public IReadOnlyList<string> BracketErrors { get; }

    public IReadOnlyList<LineInfo> Lines { get; }

    public sealed record LineInfo(int Number, string Text, bool Guarded);

    public static PowerShellScript Load(string path) => Parse(File.ReadAllText(path));

    public static PowerShellScript Parse(string text)
    {
        var code = new StringBuilder(text);
        var withoutComments = new StringBuilder(text);
        var i = 0;
        void Blank(StringBuilder target, int from, int to)
        {
            for (var k = from; k < to && k < target.Length; k++)
            {
                if (target[k] != '\n')
                {
                    target[k] = ' ';
                }
            }
        }

        while (i < text.Length)
        {
            var c = text[i];
            if (c == '<' && At(text, i, "<#"))
            {
                var end = text.IndexOf("#>", i + 2, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + 2;
                Blank(code, i, end);
                Blank(withoutComments, i, end);
                i = end;
            }
            else if (c == '#')
            {
                var end = text.IndexOf('\n', i);
                end = end < 0 ? text.Length : end;
                Blank(code, i, end);
                Blank(withoutComments, i, end);
                i = end;
            }
            else if (c == '@' && (At(text, i, "@'\n") || At(text, i, "@\"\n") || At(text, i, "@'\r\n") || At(text, i, "@\"\r\n")))
            {
                var close = "\n" + text[i + 1] + "@";
                var end = text.IndexOf(close, i + 2, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + close.Length;
                Blank(code, i + 2, end - 2);
                i = end;
            }
            else if (c == '\'')
            {
                var j = i + 1;
                while (j < text.Length && !(text[j] == '\'' && !(j + 1 < text.Length && text[j + 1] == '\'')))
                {
                    j += text[j] == '\'' ? 2 : 1;
                }

                Blank(code, i + 1, j);
                i = j + 1;
            }
            else if (c == '"')
            {
                var j = i + 1;
                while (j < text.Length && text[j] != '"')
                {
                    j += text[j] == '`' ? 2 : 1;
                }

                Blank(code, i + 1, j);
                i = j + 1;
            }
            else
            {
                i++;
            }
        }

        var codeText = code.ToString();
        return new PowerShellScript(text, codeText, withoutComments.ToString(), MatchBrackets(codeText), ClassifyLines(codeText, withoutComments.ToString()));
    }

    /// <summary>The names declared in the script's top-level param( ... ) block.</summary>
    public IReadOnlyList<string> ParameterNames()
    {
        var start = ParamBlock().Match(Code);
        if (!start.Success)
        {
            return [];
        }

        var depth = 0;
        var end = start.Index + start.Length - 1;
        for (var k = end; k < Code.Length; k++)
        {
            depth += Code[k] == '(' ? 1 : Code[k] == ')' ? -1 : 0;
            if (depth == 0)
            {
                end = k;
                break;
            }
        }

        // Only variables at the block's own level: defaults such as (Join-Path ...) hold none.
        var block = Code[start.Index..end];
        return [.. ParameterDeclaration().Matches(block).Select(m => m.Groups[1].Value)];
    }

    private static bool At(string text, int index, string value) =>
        string.CompareOrdinal(text, index, value, 0, value.Length) == 0;

    private static List<string> MatchBrackets(string code)
    {
        var errors = new List<string>();
        var stack = new Stack<(char Open, int Line)>();
        var line = 1;
        foreach (var c in code)
        {
            switch (c)
            {
                case '\n':
                    line++;
                    break;
                case '(' or '{' or '[':
                    stack.Push((c, line));
                    break;
                case ')' or '}' or ']':
                    var open = c == ')' ? '(' : c == '}' ? '{' : '[';
                    if (stack.Count == 0)
                    {
                        errors.Add($"line {line}: '{c}' closes nothing");
                    }
                    else if (stack.Peek().Open != open)
                    {
                        errors.Add($"line {line}: '{c}' closes '{stack.Peek().Open}' opened on line {stack.Peek().Line}");
                        stack.Pop();
                    }
                    else
                    {
                        stack.Pop();
                    }

                    break;
            }
        }

        errors.AddRange(stack.Select(s => $"line {s.Line}: '{s.Open}' is never closed"));
        return errors;
    }

    private static List<LineInfo> ClassifyLines(string code, string withoutComments)
    {
        // A block is guarded when the statement that opens it mentions ShouldProcess or is a
        // function definition; a line is guarded when any enclosing block is.
        var stack = new Stack<bool>();
        var lines = new List<LineInfo>();
        var codeLines = code.Split('\n');
        var textLines = withoutComments.Split('\n');
        var statement = new StringBuilder();
        for (var n = 0; n < codeLines.Length; n++)
        {
            var guardedAtStart = stack.Contains(true);
            var guardedAnywhere = guardedAtStart;
            foreach (var c in codeLines[n])
            {
                if (c == '{')
                {
                    var header = statement.ToString();
                    stack.Push(header.Contains("ShouldProcess", StringComparison.Ordinal) ||
                               FunctionHeader().IsMatch(header));
                    statement.Clear();
                    guardedAnywhere |= stack.Contains(true);
                }
                else if (c == '}')
                {
                    if (stack.Count > 0)
                    {
                        stack.Pop();
                    }

                    statement.Clear();
                }
                else
                {
                    statement.Append(c);
                }
            }

            statement.Append(' ');
            lines.Add(new LineInfo(n + 1, textLines[n], guardedAnywhere));
        }

        return lines;
    }

    [GeneratedRegex(@"^\s*param\s*\(", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex ParamBlock();

    [GeneratedRegex(@"\[(?:string|int|switch|string\[\]|int\[\])\]\s*\$(\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex ParameterDeclaration();

    [GeneratedRegex(@"\bfunction\s+[\w-]+\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex FunctionHeader();
}
