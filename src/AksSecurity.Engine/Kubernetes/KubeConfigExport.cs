using System.Security;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Kubernetes;

/// <summary>
/// Get-AksKubeConfig's engine: the kubeconfig ARM hands out, optionally with its context renamed, as an object whose text
/// is a SecureString; and the file it writes: created with mode 0600 on Unix (never readable by others, not even briefly),
/// through a temporary file beside the target that is moved into place.
/// </summary>
public static class KubeConfigExport
{
    public static async Task<AksKubeConfig> GetAsync(ArmConnection connection, ClusterResourceId cluster, bool admin, string? contextName,
        IOperationSink sink, CancellationToken ct)
    {
        var (_, bytes) = await ArmKubeConfig.FetchAsync(connection, cluster, admin, sink, ct).ConfigureAwait(false);
        var source = $"the {(admin ? "admin" : "user")} kubeconfig of '{cluster.Name}'";
        var text = ManifestYaml.Decode(bytes);
        var kubeConfig = KubeConfigText.Parse(text, source);
        var context = kubeConfig.ResolveContext(null);
        if (!string.IsNullOrEmpty(contextName) && contextName != context)
        {
            text = kubeConfig.RenameContext(context, contextName);
            kubeConfig = KubeConfigText.Parse(text, source);
            context = contextName;
        }

        return new AksKubeConfig
        {
            Cluster = cluster.Name,
            ClusterId = cluster.Id,
            Context = context,
            Server = kubeConfig.ServerOf(context),
            Authentication = kubeConfig.AuthenticationOf(context),
            Admin = admin,
            Content = ToSecureString(text),
        };
    }

    /// <summary>
    /// Refuses a path the kubeconfig could not be written to (bad characters, a folder, a missing folder, an existing file
    /// without <paramref name="force"/>): called before the credential is fetched, so nothing is asked of ARM for it.
    /// </summary>
    public static void CheckPath(string path, bool force)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, "The kubeconfig path contains a character that is not allowed in a path.", path);
        }

        if (Directory.Exists(path))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"'{path}' is a folder; give the kubeconfig's file name.", path);
        }

        if (File.Exists(path) && !force)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"'{path}' already exists; pass -Force to replace it.", path);
        }

        var folder = System.IO.Path.GetDirectoryName(path) ?? ".";
        if (!Directory.Exists(folder))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Folder '{folder}' does not exist.", path);
        }
    }

    /// <summary>Writes the kubeconfig to <paramref name="path"/> (absolute); an existing file is replaced only with <paramref name="force"/>.</summary>
    public static AksKubeConfig WriteFile(AksKubeConfig kubeConfig, string path, bool force)
    {
        ArgumentNullException.ThrowIfNull(kubeConfig);
        CheckPath(path, force);
        var folder = System.IO.Path.GetDirectoryName(path) ?? ".";
        var temporary = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, PrivateFileOptions()))
            using (var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false)))
            {
                writer.Write(PlainText(kubeConfig.Content));
            }

            File.Move(temporary, path, overwrite: force);
        }
        catch (IOException ex) when (!force && File.Exists(path))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"'{path}' already exists; pass -Force to replace it.", path, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Cannot write '{path}': {ex.Message}", path, ex);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }

        return new AksKubeConfig
        {
            Cluster = kubeConfig.Cluster,
            ClusterId = kubeConfig.ClusterId,
            Context = kubeConfig.Context,
            Server = kubeConfig.Server,
            Authentication = kubeConfig.Authentication,
            Admin = kubeConfig.Admin,
            Path = path,
            Content = kubeConfig.Content,
        };
    }

    /// <summary>Created new, owner read/write only on Unix (the mode applies at creation, so no moment is world-readable).</summary>
    private static FileStreamOptions PrivateFileOptions()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    private static SecureString ToSecureString(string text)
    {
        var secure = new SecureString();
        foreach (var c in text)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    private static string PlainText(SecureString secure)
    {
        var pointer = System.Runtime.InteropServices.Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            return System.Runtime.InteropServices.Marshal.PtrToStringUni(pointer) ?? "";
        }
        finally
        {
            System.Runtime.InteropServices.Marshal.ZeroFreeGlobalAllocUnicode(pointer);
        }
    }
}
