using System.Management.Automation;

namespace AksSecurity.Infrastructure;

/// <summary>Resolves -Path (wildcards) and -LiteralPath to file-system paths, reporting each one that matches nothing.</summary>
internal static class DocumentPaths
{
    public static IEnumerable<string> Resolve(AksCmdlet cmdlet, IEnumerable<string> paths, bool literal)
    {
        foreach (var path in paths)
        {
            IEnumerable<string> resolved;
            try
            {
                resolved = literal
                    ? new[] { cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path) }
                    : cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(path, out _);
            }
            catch (ItemNotFoundException)
            {
                resolved = Array.Empty<string>();
            }

            var any = false;
            foreach (var file in resolved)
            {
                any = true;
                yield return file;
            }

            if (!any || literal && !File.Exists(resolved.First()))
            {
                cmdlet.WriteError(new ErrorRecord(new FileNotFoundException($"No file matches '{path}'."), "PathNotFound", ErrorCategory.ObjectNotFound, path));
            }
        }
    }
}
