using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace AksSecurity.TestServers;

/// <summary>
/// The out-of-process fake for Pester:
/// <c>dotnet AksSecurity.TestServers.dll --ca-dir DIR --info-file FILE [--parent-pid PID]</c>, or <c>--ca-dir DIR --ca-only</c>.
/// </summary>
internal static class Program
{
    private const string Usage = "usage: AksSecurity.TestServers --ca-dir DIR (--ca-only | --info-file FILE [--parent-pid PID])";

    public static async Task<int> Main(string[] args)
    {
        if (!TryParse(args, out var caDirectory, out var infoFile, out var parentPid, out var caOnly))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        using var ca = TestCertificateAuthority.LoadOrCreate(caDirectory);
        if (caOnly)
        {
            Console.WriteLine(ca.TrustBundlePath);
            return 0;
        }

        await using var server = await FakeArmServer.StartAsync(ca);
        await using var kubernetes = await FakeKubernetesServer.StartAsync(ca);
        server.AttachKubernetes(kubernetes);
        WriteInfoFile(infoFile!, server, kubernetes, ca);
        Console.WriteLine($"Fake ARM listening on {server.BaseUri}, fake Kubernetes API server on {kubernetes.BaseUri}");

        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => StopGracefully(signal, stop));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => StopGracefully(signal, stop));
        var stopped = Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        var parentGone = parentPid is { } pid ? WaitForExitAsync(pid, stop.Token) : Task.Delay(Timeout.Infinite, stop.Token);
        await Task.WhenAny(server.ShutdownRequested, stopped, parentGone);
        return 0;
    }

    private static void StopGracefully(PosixSignalContext signal, CancellationTokenSource stop)
    {
        signal.Cancel = true;
        stop.Cancel();
    }

    /// <summary>Polls each second, so no fake outlives the test run that started it (a reused PID is noticed by its start time).</summary>
    private static async Task WaitForExitAsync(int pid, CancellationToken cancellation)
    {
        var startTime = StartTimeOf(pid);
        while (startTime is not null && StartTimeOf(pid) == startTime)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
        }
    }

    private static DateTime? StartTimeOf(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : process.StartTime;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Written to a temporary name and moved, so a reader never sees half a file.</summary>
    private static void WriteInfoFile(string path, FakeArmServer server, FakeKubernetesServer kubernetes, TestCertificateAuthority ca)
    {
        var info = new Dictionary<string, string>
        {
            ["armEndpoint"] = server.BaseUri.ToString(),
            ["caPem"] = ca.CaPemPath,
            ["trustBundle"] = ca.TrustBundlePath,
            ["identityEndpoint"] = $"{server.BaseUri}msi/token",
            ["identityHeader"] = server.Options.IdentityHeader,
            ["kubernetesEndpoint"] = kubernetes.BaseUri.ToString(),
        };
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temporary, JsonSerializer.Serialize(info));
        File.Move(temporary, path, overwrite: true);
    }

    private static bool TryParse(string[] args, out string caDirectory, out string? infoFile, out int? parentPid, out bool caOnly)
    {
        caDirectory = "";
        infoFile = null;
        parentPid = null;
        caOnly = false;
        for (var i = 0; i < args.Length; i++)
        {
            var hasValue = i + 1 < args.Length;
            switch (args[i])
            {
                case "--ca-dir" when hasValue:
                    caDirectory = args[++i];
                    break;
                case "--info-file" when hasValue:
                    infoFile = args[++i];
                    break;
                case "--parent-pid" when hasValue && int.TryParse(args[i + 1], out var pid):
                    parentPid = pid;
                    i++;
                    break;
                case "--ca-only":
                    caOnly = true;
                    break;
                default:
                    return false;
            }
        }

        return caDirectory.Length > 0 && (caOnly || infoFile is not null);
    }
}
