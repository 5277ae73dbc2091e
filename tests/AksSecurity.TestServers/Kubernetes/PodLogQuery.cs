using System.Globalization;
using System.Text;
using AksSecurity.TestServers.Internal;

namespace AksSecurity.TestServers.Kubernetes;

/// <summary>The options of GET pods/{name}/log (core/v1 PodLogOptions) and how lines are selected and written.</summary>
internal sealed class PodLogQuery
{
    public string Container { get; private init; } = "";

    public bool Follow { get; private init; }

    private DateTimeOffset? Since { get; init; }

    private int? TailLines { get; init; }

    private long? LimitBytes { get; init; }

    private bool Timestamps { get; init; }

    /// <summary>Checks the pod, the container and the options; the problem is the API server's answer (404 or 400 Status).</summary>
    public static (PodLogQuery Query, FakeResponse? Problem) Prepare(KubernetesState state, FakeRequest request, Caller caller, string ns, string podName)
    {
        var none = new PodLogQuery();
        var pods = state.Find("", "pods")!;
        if (caller.Forbidden)
        {
            return (none, KubeStatus.Forbidden(pods, podName, ns, "get", caller.User));
        }

        if (state.Get(pods, ns, podName) is not { } pod)
        {
            return (none, KubeStatus.NotFound(pods, podName));
        }

        var containers = KubernetesState.ContainerNames(pod).Concat(KubernetesState.ContainerNames(pod, "initContainers")).ToArray();
        var container = request.QueryValue("container");
        if (string.IsNullOrEmpty(container))
        {
            var regular = KubernetesState.ContainerNames(pod);
            if (regular.Count != 1)
            {
                return (none, KubeStatus.BadRequest($"a container name must be specified for pod {podName}, choose one of: [{string.Join(' ', regular)}]"));
            }

            container = regular[0];
        }
        else if (!containers.Contains(container))
        {
            return (none, KubeStatus.BadRequest($"container {container} is not valid for pod {podName}"));
        }

        if (pod["status"]?["phase"]?.GetValue<string>() == "Pending")
        {
            return (none, KubeStatus.BadRequest($"container \"{container}\" in pod \"{podName}\" is waiting to start: ContainerCreating"));
        }

        DateTimeOffset? since = null;
        if (request.QueryValue("sinceTime") is { Length: > 0 } sinceTime)
        {
            if (!DateTimeOffset.TryParse(sinceTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return (none, KubeStatus.BadRequest($"parsing time \"{sinceTime}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse"));
            }

            since = parsed;
        }

        if (request.QueryValue("sinceSeconds") is { Length: > 0 } sinceSeconds)
        {
            if (since is not null)
            {
                return (none, KubeStatus.Invalid(pods, podName, [("sinceSeconds", "FieldValueForbidden", "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified")]));
            }

            if (!long.TryParse(sinceSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1)
            {
                return (none, KubeStatus.Invalid(pods, podName, [("sinceSeconds", "FieldValueInvalid", $"Invalid value: {sinceSeconds}: must be greater than 0")]));
            }

            since = request.Now.AddSeconds(-seconds);
        }

        int? tail = null;
        if (request.QueryValue("tailLines") is { Length: > 0 } tailLines)
        {
            if (!int.TryParse(tailLines, NumberStyles.None, CultureInfo.InvariantCulture, out var parsedTail))
            {
                return (none, KubeStatus.Invalid(pods, podName, [("tailLines", "FieldValueInvalid", $"Invalid value: {tailLines}: must be greater than or equal to 0")]));
            }

            tail = parsedTail;
        }

        long? limit = null;
        if (request.QueryValue("limitBytes") is { Length: > 0 } limitBytes)
        {
            if (!long.TryParse(limitBytes, NumberStyles.None, CultureInfo.InvariantCulture, out var parsedLimit) || parsedLimit < 1)
            {
                return (none, KubeStatus.Invalid(pods, podName, [("limitBytes", "FieldValueInvalid", $"Invalid value: {limitBytes}: must be greater than 0")]));
            }

            limit = parsedLimit;
        }

        return (new PodLogQuery
        {
            Container = container,
            Follow = request.QueryValue("follow") is "true" or "1",
            Since = since,
            TailLines = tail,
            LimitBytes = limit,
            Timestamps = request.QueryValue("timestamps") is "true" or "1",
        }, null);
    }

    /// <summary>The lines of the first answer: since, then the tail.</summary>
    public IEnumerable<(DateTimeOffset Time, string Text)> Initial(IReadOnlyList<(DateTimeOffset Time, string Text)> lines)
    {
        var selected = lines.Where(l => Since is null || l.Time >= Since).ToArray();
        return TailLines is { } tail ? selected.Skip(Math.Max(0, selected.Length - tail)) : selected;
    }

    /// <summary>One line per entry, "&lt;RFC3339Nano&gt; " before it when timestamps=true, cut at limitBytes.</summary>
    public string Render(IEnumerable<(DateTimeOffset Time, string Text)> lines)
    {
        var text = new StringBuilder();
        foreach (var (time, line) in lines)
        {
            if (Timestamps)
            {
                text.Append(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture)).Append(' ');
            }

            text.Append(line).Append('\n');
        }

        var rendered = text.ToString();
        if (LimitBytes is { } limit && Encoding.UTF8.GetByteCount(rendered) > limit)
        {
            var bytes = Encoding.UTF8.GetBytes(rendered);
            rendered = Encoding.UTF8.GetString(bytes, 0, (int)Math.Min(limit, bytes.Length));
        }

        return rendered;
    }

    /// <summary>A follow ends when the pod is gone or finished (Succeeded/Failed), as the kubelet closes the stream when the container exits.</summary>
    public bool IsTerminated(KubernetesState state, string ns, string podName) =>
        state.Get(state.Find("", "pods")!, ns, podName) is not { } pod
        || pod["status"]?["phase"]?.GetValue<string>() is "Succeeded" or "Failed";
}
