// A tiny terminal for tests: replays what a program wrote (text, \r, \n, "erase line", cursor show and
// hide) into the lines a user would see and the cursor's final visibility. Enough for the runner's
// live progress line, which uses nothing else; an unknown escape sequence fails the test.
using System.Text;
using System.Text.RegularExpressions;

namespace VaeGpu.Tests.Runner;

/// <summary>The screen that a stream of terminal output leaves behind.</summary>
internal sealed partial class TerminalScreen
{
    private readonly List<StringBuilder> _lines = [new()];
    private int _column;

    /// <summary>The visible lines, top to bottom, without empty lines after the last text.</summary>
    public IReadOnlyList<string> Lines =>
        _lines.Select(l => l.ToString()).Reverse().SkipWhile(l => l.Length == 0).Reverse().ToList();

    /// <summary>Whether the cursor is visible after the output.</summary>
    public bool CursorVisible { get; private set; } = true;

    /// <summary>Replays <paramref name="output"/> onto a fresh screen.</summary>
    public static TerminalScreen Of(string output)
    {
        var screen = new TerminalScreen();
        int at = 0;
        foreach (Match escape in Escape().Matches(output))
        {
            screen.Text(output[at..escape.Index]);
            screen.Sequence(escape.Value);
            at = escape.Index + escape.Length;
        }
        screen.Text(output[at..]);
        return screen;
    }

    private void Text(string text)
    {
        foreach (char c in text)
        {
            var line = _lines[^1];
            if (c == '\n') { _lines.Add(new StringBuilder()); _column = 0; }
            else if (c == '\r') _column = 0;
            else
            {
                if (_column < line.Length) line[_column] = c;
                else line.Append(c);
                _column++;
            }
        }
    }

    private void Sequence(string escape)
    {
        switch (escape)
        {
            case "\u001b[2K": _lines[^1].Clear(); break;
            case "\u001b[?25l": CursorVisible = false; break;
            case "\u001b[?25h": CursorVisible = true; break;
            default: throw new Xunit.Sdk.XunitException($"unexpected escape sequence {escape[1..]}");
        }
    }

    [GeneratedRegex("\u001b\\[[?0-9;]*[A-Za-z]")]
    private static partial Regex Escape();
}
