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

            var files = resolved.Where(File.Exists).ToList();
            if (files.Count == 0)
            {
                cmdlet.WriteError(new ErrorRecord(new FileNotFoundException($"No file matches '{path}'."), "PathNotFound", ErrorCategory.ObjectNotFound, path));
            }

            foreach (var file in files)
            {
                yield return file;
            }
        }
    }
}
