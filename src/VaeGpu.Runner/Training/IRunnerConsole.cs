// What the services (train, sweep, eval, sample, classifier) need from whoever runs them: where text
// goes, Ctrl+C, and how to show progress and dataset downloads. The CLI implements it with Spectre.Console
// bars or plain lines; the services never decide how things look.
using VaeGpu.Runner.Data;

namespace VaeGpu.Runner.Training;

/// <summary>The console a service reports to.</summary>
public interface IRunnerConsole
{
    /// <summary>Results and progress lines.</summary>
    TextWriter Out { get; }

    /// <summary>Errors and interruption notices.</summary>
    TextWriter Err { get; }

    /// <summary>Signalled by Ctrl+C: stop after the current step.</summary>
    CancellationToken Cancel { get; }

    /// <summary>Training progress for one run or sweep (nothing when <paramref name="quiet"/>); dispose it
    /// when done.</summary>
    ITrainingProgress TrainingProgress(bool quiet);

    /// <summary>Runs <paramref name="work"/> showing its fraction done as <paramref name="task"/>, or
    /// nothing when <paramref name="silent"/>.</summary>
    T WithProgress<T>(bool silent, string task, Func<IProgress<double>?, T> work);

    /// <summary>Fetches and verifies a dataset into <paramref name="dataDir"/>, showing the
    /// download.</summary>
    FetchResult Fetch(string dataset, string dataDir, bool quiet);
}
