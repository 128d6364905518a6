// "did you mean --epochs?" for an unknown option (issue 19 item 11). System.CommandLine 3.0 has typo
// suggestions only inside its own error action, which prints several lines; the runner prints its own
// one-line errors, so it finds the nearest option of the command itself (edit distance, or a prefix).
using System.CommandLine;

namespace VaeGpu.Runner.Cli;

/// <summary>Suggests the option a mistyped one probably meant.</summary>
internal static class TypoHint
{
    /// <summary>" (did you mean --X?)" for the first unknown option of <paramref name="parse"/>, else
    /// "".</summary>
    public static string For(ParseResult parse)
    {
        string? token = parse.UnmatchedTokens
            .FirstOrDefault(t => t.StartsWith("--", StringComparison.Ordinal));
        if (token is null) return "";
        string typed = token.Split('=')[0];
        var names = parse.CommandResult.Command.Options.Where(o => !o.Hidden)
            .SelectMany(o => o.Aliases.Append(o.Name))
            .Where(n => n.StartsWith("--", StringComparison.Ordinal))
            .Distinct().ToList();
        // A prefix ("--epoch" of "--epochs") wins; else the nearest name within a third of its length.
        string? best = names.Where(n => n.StartsWith(typed, StringComparison.Ordinal)).OrderBy(n => n.Length)
            .FirstOrDefault();
        best ??= names.Select(n => (Name: n, Distance: Distance(typed, n)))
            .Where(c => c.Distance <= Math.Max(1, (c.Name.Length - 2) / 3))
            .OrderBy(c => c.Distance).Select(c => c.Name).FirstOrDefault();
        return best is null ? "" : $" (did you mean {best}?)";
    }

    /// <summary>The Levenshtein distance of two strings.</summary>
    private static int Distance(string a, string b)
    {
        var row = new int[b.Length + 1]; // (|b| + 1): distances of a's prefix to b's prefixes
        for (int col = 0; col <= b.Length; col++) row[col] = col;
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int col = 1; col <= b.Length; col++)
            {
                int above = row[col];
                row[col] = Math.Min(Math.Min(row[col] + 1, row[col - 1] + 1),
                    diagonal + (a[i - 1] == b[col - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
