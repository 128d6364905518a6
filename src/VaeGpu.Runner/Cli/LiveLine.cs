// The one live line on a terminal (an epoch's progress bar) and the writers that keep other output
// from being drawn over by it or from cutting it off. A line written through a guarded writer first
// erases the bar, then the bar is redrawn below it; once the run is stopping (Ctrl+C), the bar is
// frozen where it stopped instead, so the interruption message follows it. The cursor is hidden only
// while the bar is drawn and shown again on every way out (clear, freeze, abort).
namespace VaeGpu.Runner.Cli;

/// <summary>A redrawable status line on a terminal, with writers that print around it.</summary>
internal sealed class LiveLine(TextWriter terminal, Func<int> width, TimeSpan? redrawInterval = null)
{
    /// <summary>ANSI sequences: erase the current line, hide and show the cursor.</summary>
    public const string EraseLine = "\r\u001b[2K", HideCursor = "\u001b[?25l", ShowCursor = "\u001b[?25h";

    /// <summary>Redraws closer together than this are skipped (the latest text is kept), unless the
    /// constructor names another interval.</summary>
    public static readonly TimeSpan DefaultRedrawInterval = TimeSpan.FromMilliseconds(100);

    private readonly TimeSpan _redrawInterval = redrawInterval ?? DefaultRedrawInterval;

    private readonly object _gate = new();
    private readonly System.Diagnostics.Stopwatch _sinceDraw = new();
    private Func<string>? _render; // the live line's text now; null when no line is live
    private bool _drawn, _cursorHidden, _stopping;

    /// <summary>A writer that prints through this line: erases the bar first and redraws it after a
    /// finished line (or freezes it when the run is stopping).</summary>
    public TextWriter Guard(TextWriter inner) => new GuardedWriter(this, inner);

    /// <summary>Makes a line live whose text <paramref name="render"/> gives, and draws it now.</summary>
    public void Show(Func<string> render)
    {
        ArgumentNullException.ThrowIfNull(render);
        lock (_gate)
        {
            _render = render;
            Draw();
        }
    }

    /// <summary>Redraws the live line unless it was drawn less than the redraw interval ago; the text
    /// is only made when drawn, so a caller may call this every step without allocating.</summary>
    public void Refresh()
    {
        lock (_gate)
        {
            if (_render is not null && (!_drawn || _sinceDraw.Elapsed >= _redrawInterval)) Draw();
        }
    }

    /// <summary>Removes the line from the screen and shows the cursor.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            if (_drawn) terminal.Write(EraseLine);
            (_drawn, _render) = (false, null);
            RestoreCursor();
        }
    }

    /// <summary>Leaves the line on screen as it is now (its latest state), ends it and shows the
    /// cursor; nothing when no line is live.</summary>
    public void Freeze()
    {
        lock (_gate)
        {
            if (_render is not null)
            {
                Draw();
                terminal.Write('\n');
            }
            (_drawn, _render) = (false, null);
            RestoreCursor();
        }
    }

    /// <summary>The run is stopping: the next line written around the bar freezes it first.</summary>
    public void Stopping()
    {
        lock (_gate) _stopping = true;
    }

    /// <summary>Freezes the bar, shows the cursor and writes <paramref name="message"/> to
    /// <paramref name="error"/>: the last words before the process ends at once.</summary>
    public void Abort(TextWriter error, string message)
    {
        lock (_gate)
        {
            Freeze();
            error.WriteLine(message);
            error.Flush();
        }
    }

    private void Draw()
    {
        string text = _render?.Invoke() ?? "";
        int columns = Math.Max(20, width());
        if (text.Length >= columns) text = text[..(columns - 1)]; // never wrap: \r must reach its start
        if (!_cursorHidden) terminal.Write(HideCursor);
        terminal.Write(EraseLine + text);
        terminal.Flush();
        (_drawn, _cursorHidden) = (true, true);
        _sinceDraw.Restart();
    }

    private void RestoreCursor()
    {
        if (!_cursorHidden) return;
        terminal.Write(ShowCursor);
        terminal.Flush();
        _cursorHidden = false;
    }

    private void Around(Action write, bool endsLine)
    {
        lock (_gate)
        {
            if (_drawn && _stopping) Freeze();
            else if (_drawn)
            {
                terminal.Write(EraseLine);
                terminal.Flush();
                _drawn = false;
            }
            write();
            if (endsLine && _render is not null && !_stopping) Draw();
        }
    }

    /// <summary>Prints through the live line (see <see cref="Guard"/>).</summary>
    internal sealed class GuardedWriter(LiveLine line, TextWriter inner) : TextWriter
    {
        /// <summary>The live line this writer prints around.</summary>
        public LiveLine Line => line;

        public override System.Text.Encoding Encoding => inner.Encoding;
        public override IFormatProvider FormatProvider => inner.FormatProvider;
        public override void Write(char value) => line.Around(() => inner.Write(value), value == '\n');
        public override void Write(string? value) =>
            line.Around(() => inner.Write(value), value?.EndsWith('\n') == true);
        public override void Write(char[] buffer, int index, int count) =>
            line.Around(() => inner.Write(buffer, index, count),
                count > 0 && buffer[index + count - 1] == '\n');
        public override void WriteLine() => line.Around(inner.WriteLine, true);
        public override void WriteLine(string? value) => line.Around(() => inner.WriteLine(value), true);
        public override void Flush() => inner.Flush();
    }
}
